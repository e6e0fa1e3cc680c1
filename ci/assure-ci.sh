#!/usr/bin/env bash
# The core of every CI integration (GitHub Action, GitLab template): run
# `assure check` once, write every report, and decide whether the gate passes.
#
# Usage: assure-ci.sh RESULT_FILE
#
# Reads (all optional except ASSURE_OUTPUT_DIR):
#   ASSURE_BIN          the assure binary (default: `assure` on PATH)
#   ASSURE_SUBMISSION   the submission folder (default: .)
#   ASSURE_BUNDLE       a published bundle: a file or folder, or oci://host/repo:tag|@sha256:…
#                       (passed through to `assure check --bundle`)
#   ASSURE_TRUST        public keys trusted to sign the bundle, separated by spaces or newlines
#   ASSURE_THRESHOLD    how many trusted keys must have signed the bundle (default: 1)
#   ASSURE_AS_OF        evaluate as of this RFC 3339 time
#   ASSURE_SIGNING_KEY  PEM content, or the path of a PEM file: write the signed decision record
#   ASSURE_FAIL_ON      reject | needs-evidence (default) | never
#   ASSURE_ARGS         further arguments to `assure check`, one per line
#   ASSURE_OUTPUT_DIR   where the reports and the record are written
#
# Writes RESULT_FILE as `key=value` lines: verdict, exit-code, gate (pass|fail),
# fail-on, output-dir, sarif, report (Markdown), junit, json, html, record, log.
# A path is empty when that file was not written. Exits 0 whenever the check
# ran, whatever its verdict (the gate is in RESULT_FILE), and 1 when it could
# not run (a bad input, no binary).

set -euo pipefail

die() {
    printf 'assure-ci: %s\n' "$*" >&2
    exit 1
}

[[ $# -eq 1 ]] || die "usage: assure-ci.sh RESULT_FILE"
result_file=$1

bin=${ASSURE_BIN:-assure}
submission=${ASSURE_SUBMISSION:-.}
bundle=${ASSURE_BUNDLE:-}
trust=${ASSURE_TRUST:-}
threshold=${ASSURE_THRESHOLD:-1}
as_of=${ASSURE_AS_OF:-}
signing_key=${ASSURE_SIGNING_KEY:-}
fail_on=${ASSURE_FAIL_ON:-needs-evidence}
extra=${ASSURE_ARGS:-}
out=${ASSURE_OUTPUT_DIR:-}

[[ -n "$out" ]] || die "ASSURE_OUTPUT_DIR is not set"
case "$fail_on" in
    reject | needs-evidence | never) ;;
    *) die "fail-on must be reject, needs-evidence or never, not '$fail_on'" ;;
esac
[[ "$threshold" =~ ^[1-9][0-9]*$ ]] || die "threshold must be a positive whole number, not '$threshold'"
if [[ "$bin" == */* ]]; then
    [[ -x "$bin" ]] || die "the assure binary '$bin' is not an executable file"
else
    command -v "$bin" >/dev/null || die "'$bin' is not on PATH: install assure first"
fi
[[ -d "$submission" ]] || die "the submission '$submission' is not a folder"

mkdir -p "$out"
out=$(cd "$out" && pwd)

# A private place for the signing key written from a secret; never in $out.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/assure-ci.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

sarif="$out/assure.sarif"
report="$out/assure.md"
junit="$out/assure.junit.xml"
json="$out/assure.json"
html="$out/assure.html"
record="$out/assure.decision.dsse.json"
log="$out/assure.stderr.txt"
# Reports from an earlier run in the same folder must not pass for this one's.
rm -f "$sarif" "$report" "$junit" "$json" "$html" "$record" "$log"

args=(check --format human
    --output "sarif=$sarif"
    --output "markdown=$report"
    --output "junit=$junit"
    --output "json=$json"
    --output "html=$html")

if [[ -n "$as_of" ]]; then
    args+=(--as-of "$as_of")
fi

if [[ -n "$bundle" ]]; then
    args+=(--bundle "$bundle" --threshold "$threshold")
    read -r -d '' -a keys <<<"$trust" || true
    [[ ${#keys[@]} -gt 0 ]] || die "a bundle needs at least one trusted key (trust)"
    for key in "${keys[@]}"; do
        args+=(--trust "$key")
    done
elif [[ -n "${trust//[[:space:]]/}" ]]; then
    printf 'assure-ci: warning: trust keys given without a bundle are not used (the built-in bundle is trusted by its pinned digest)\n' >&2
fi

if [[ -n "$signing_key" ]]; then
    if [[ "$signing_key" == *"-----BEGIN"* ]]; then
        key_file="$scratch/signing.key"
        # As pasted into a secret: carriage returns and blank lines around it dropped.
        pem=${signing_key//$'\r'/}
        pem=${pem#"${pem%%[![:space:]]*}"}
        pem=${pem%"${pem##*[![:space:]]}"}
        (umask 077 && printf '%s\n' "$pem" >"$key_file")
    elif [[ -f "$signing_key" && -r "$signing_key" ]]; then
        key_file=$signing_key
    else
        die "signing-key is neither PEM content nor a readable file"
    fi
    args+=(--attest "$record" --key "$key_file")
fi

if [[ -n "$extra" ]]; then
    while IFS= read -r line; do
        [[ -n "$line" ]] && args+=("$line")
    done <<<"$extra"
fi

args+=(-- "$submission")

printf 'assure-ci: %q' "$bin" >&2
printf ' %q' "${args[@]}" >&2
printf '\n' >&2

set +e
"$bin" "${args[@]}" 2>"$log"
code=$?
set -e
# What assure said on stderr, shown in the log as well as kept for the summary.
cat "$log" >&2
[[ -s "$log" ]] || rm -f "$log"

case "$code" in
    0) verdict="approve" ;;
    2) verdict="reject" ;;
    3) verdict="needs-evidence" ;;
    4) verdict="trust-failure" ;;
    5) verdict="not-checked" ;;
    *) verdict="error" ;;
esac

gate=fail
case "$code:$fail_on" in
    0:*) gate=pass ;;
    3:reject | 3:never | 2:never) gate=pass ;;
esac

have() {
    if [[ -f "$1" ]]; then printf '%s' "$1"; fi
}

{
    printf 'verdict=%s\n' "$verdict"
    printf 'exit-code=%s\n' "$code"
    printf 'gate=%s\n' "$gate"
    printf 'fail-on=%s\n' "$fail_on"
    printf 'output-dir=%s\n' "$out"
    printf 'sarif=%s\n' "$(have "$sarif")"
    printf 'report=%s\n' "$(have "$report")"
    printf 'junit=%s\n' "$(have "$junit")"
    printf 'json=%s\n' "$(have "$json")"
    printf 'html=%s\n' "$(have "$html")"
    printf 'record=%s\n' "$(have "$record")"
    printf 'log=%s\n' "$(have "$log")"
} >"$result_file"

printf 'assure-ci: verdict %s (exit %s), gate %s (fail-on: %s)\n' "$verdict" "$code" "$gate" "$fail_on" >&2
