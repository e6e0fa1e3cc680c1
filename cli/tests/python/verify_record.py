"""Verify an assure decision record with independent implementations.

securesystemslib checks the DSSE envelope's Ed25519 signature with the
public key (via pyca/cryptography); in-toto-attestation parses and validates
the in-toto Statement v1 it carries. Exit 0 and print the verdict when both
pass; exit 1 with the reason otherwise.

    python3 verify_record.py <decision.dsse.json> <key.pub>

The key id is the one assure uses (the SHA-256 of the raw public key), since
securesystemslib only considers signatures whose keyid matches the key's.
"""

import hashlib
import json
import sys

from cryptography.hazmat.primitives import serialization
from google.protobuf import json_format
from in_toto_attestation.v1 import statement_pb2
from in_toto_attestation.v1.statement import Statement
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

VSA = "https://slsa.dev/verification_summary/v1"


def main(envelope_path: str, key_path: str) -> int:
    with open(key_path, "rb") as f:
        public = serialization.load_pem_public_key(f.read())
    raw = public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    keyid = hashlib.sha256(raw).hexdigest()
    key = SSlibKey.from_crypto(public, keyid=keyid, scheme="ed25519")

    try:
        with open(envelope_path, "rb") as f:
            envelope = Envelope.from_dict(json.load(f))
        envelope.verify([key], 1)
    except Exception as e:  # any failure is a verification failure
        print(f"signature: FAILED: {type(e).__name__}: {e}")
        return 1
    if envelope.payload_type != "application/vnd.in-toto+json":
        print(f"payloadType: FAILED: {envelope.payload_type}")
        return 1

    try:
        pb = json_format.Parse(
            envelope.payload,
            statement_pb2.Statement(),
        )
        statement = Statement.copy_from_pb(pb)
        statement.validate()
    except Exception as e:
        print(f"statement: FAILED: {type(e).__name__}: {e}")
        return 1
    if pb.predicate_type != VSA:
        print(f"predicateType: FAILED: {pb.predicate_type}")
        return 1

    predicate = json_format.MessageToDict(pb.predicate)
    print("signature: OK")
    print(f"keyid: {keyid}")
    print(f"subjects: {len(pb.subject)}")
    for subject in pb.subject:
        print(f"subject: {subject.name} sha256:{subject.digest['sha256']}")
    print(f"verificationResult: {predicate.get('verificationResult')}")
    print(f"verdict: {predicate.get('assure', {}).get('verdict')}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
