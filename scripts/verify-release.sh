#!/usr/bin/env bash
# Verifies an assure release archive before it is used:
#
#   scripts/verify-release.sh ARCHIVE ENVELOPE PUBLIC_KEY.pem
#
# 1. ENVELOPE (assure-VERSION-TARGET.intoto.json) is a DSSE envelope of type
#    application/vnd.in-toto+json with a valid Ed25519 signature by PUBLIC_KEY.pem
#    over the DSSE pre-authentication encoding
#    "DSSEv1 <len(type)> <type> <len(body)> <body>" (checked by openssl);
# 2. its payload is an in-toto Statement v1 with an SLSA Provenance v1 predicate;
# 3. one of its subjects has ARCHIVE's file name and ARCHIVE's SHA-256.
#
# Prints "verified: ..." and exits 0, or names the file at fault and exits 1.
# Needs bash, coreutils, openssl 3 and python3 (to read JSON; no jq).
set -euo pipefail

readonly PAYLOAD_TYPE="application/vnd.in-toto+json"
readonly STATEMENT_TYPE="https://in-toto.io/Statement/v1"
readonly PREDICATE_TYPE="https://slsa.dev/provenance/v1"

fail() {
    printf 'verify-release: error: %s\n' "$*" >&2
    exit 1
}

if [[ $# -ne 3 ]]; then
    printf 'usage: %s ARCHIVE ENVELOPE PUBLIC_KEY.pem\n' "${0##*/}" >&2
    exit 1
fi
archive=$1
envelope=$2
public_key=$3

for tool in openssl python3 sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || fail "\`$tool\` is needed and was not found on PATH"
done
for file in "$archive" "$envelope" "$public_key"; do
    [[ -f $file && -r $file ]] || fail "$file: not a readable file"
done

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

# The key must be an Ed25519 public key (openssl would also verify with others).
if ! openssl pkey -pubin -in "$public_key" -noout -text >"$work/key.txt" 2>"$work/openssl.err"; then
    fail "$public_key: not a PEM public key ($(head -n 1 "$work/openssl.err"))"
fi
if ! head -n 1 "$work/key.txt" | grep -q '^ED25519 Public-Key'; then
    fail "$public_key: not an Ed25519 public key"
fi

# Read the envelope (strictly: no duplicate or unknown members), write the PAE and
# each signature to files for openssl.
if ! python3 - "$envelope" "$work" "$PAYLOAD_TYPE" 2>"$work/python.err" <<'PY'
import base64, binascii, json, os, sys

path, work, payload_type = sys.argv[1], sys.argv[2], sys.argv[3]

def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise ValueError(f"duplicate member {k!r}")
    return dict(pairs)

def b64(text, what):
    # Standard or URL-safe alphabet, padded or not (as DSSE allows).
    if not isinstance(text, str):
        raise ValueError(f"{what} is not a string")
    padded = (text + "=" * (-len(text) % 4)).encode("ascii", "replace")
    for altchars in (None, b"-_"):
        try:
            return base64.b64decode(padded, altchars=altchars, validate=True)
        except binascii.Error:
            pass
    raise ValueError(f"{what} is not base64")

try:
    with open(path, "rb") as f:
        envelope = json.loads(f.read().decode("utf-8"), object_pairs_hook=no_duplicates)
    if not isinstance(envelope, dict):
        raise ValueError("not a JSON object")
    unknown = set(envelope) - {"payloadType", "payload", "signatures"}
    if unknown:
        raise ValueError(f"unknown member(s) {sorted(unknown)}")
    if envelope.get("payloadType") != payload_type:
        raise ValueError(f"payloadType is {envelope.get('payloadType')!r}, not {payload_type!r}")
    payload = b64(envelope.get("payload"), "payload")
    signatures = envelope.get("signatures")
    if not isinstance(signatures, list) or not signatures:
        raise ValueError("no signatures")
    if len(signatures) > 64:
        raise ValueError("more than 64 signatures")
    kind = payload_type.encode()
    pae = b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)
    with open(os.path.join(work, "payload"), "wb") as f:
        f.write(payload)
    with open(os.path.join(work, "pae"), "wb") as f:
        f.write(pae)
    for i, s in enumerate(signatures):
        if not isinstance(s, dict) or set(s) - {"keyid", "sig"}:
            raise ValueError(f"signature {i} is not {{keyid, sig}}")
        with open(os.path.join(work, f"sig.{i}"), "wb") as f:
            f.write(b64(s.get("sig"), f"signature {i}"))
except (OSError, UnicodeDecodeError, ValueError) as e:
    print(e, file=sys.stderr)
    sys.exit(1)
PY
then
    fail "$envelope: not a DSSE envelope of type $PAYLOAD_TYPE: $(tail -n 1 "$work/python.err")"
fi

verified=no
for sig in "$work"/sig.*; do
    if openssl pkeyutl -verify -pubin -inkey "$public_key" -rawin \
        -in "$work/pae" -sigfile "$sig" >/dev/null 2>&1; then
        verified=yes
        break
    fi
done
[[ $verified == yes ]] || fail "$envelope: no valid signature by the key in $public_key"

# Only now, with the payload authenticated, read the statement.
archive_name=${archive##*/}
archive_sha256=$(sha256sum -- "$archive" | cut -d ' ' -f 1)
if ! summary=$(python3 - "$work/payload" "$archive_name" "$archive_sha256" \
    "$STATEMENT_TYPE" "$PREDICATE_TYPE" 2>"$work/python.err" <<'PY'
import json, sys

path, name, sha256, statement_type, predicate_type = sys.argv[1:6]

class Refused(Exception):
    pass

try:
    with open(path, "rb") as f:
        statement = json.loads(f.read().decode("utf-8"))
except (OSError, UnicodeDecodeError, ValueError) as e:
    print(f"the signed payload is not JSON: {e}", file=sys.stderr)
    sys.exit(1)
try:
    if not isinstance(statement, dict) or statement.get("_type") != statement_type:
        raise Refused(f"the signed payload is not an in-toto Statement v1 ({statement_type})")
    if statement.get("predicateType") != predicate_type:
        raise Refused(f"predicateType is {statement.get('predicateType')!r}, not {predicate_type!r}")
    subjects = statement.get("subject")
    if not isinstance(subjects, list):
        raise Refused("the statement has no subject list")
    named = [s for s in subjects if isinstance(s, dict) and s.get("name") == name]
    if not named:
        listed = ", ".join(str(s.get("name")) for s in subjects if isinstance(s, dict))
        raise Refused(f"{name} is not a subject of the statement (subjects: {listed})")
    digests = [(s.get("digest") or {}).get("sha256") for s in named]
    if sha256 not in digests:
        raise Refused(f"sha256 {sha256} does not match the signed sha256 {digests[0]}")
    predicate = statement.get("predicate") or {}
    definition = predicate.get("buildDefinition") or {}
    source = (definition.get("externalParameters") or {}).get("source") or {}
    builder = ((predicate.get("runDetails") or {}).get("builder") or {}).get("id")
    print(f"commit {source.get('commit')}, builder {builder}")
except (AttributeError, Refused) as e:
    print(e, file=sys.stderr)
    sys.exit(1)
PY
); then
    fail "$archive: $(tail -n 1 "$work/python.err") (statement in $envelope)"
fi

printf 'verified: %s (sha256 %s) is a subject of %s, signed by %s; SLSA provenance v1: %s\n' \
    "$archive" "$archive_sha256" "$envelope" "$public_key" "$summary"
