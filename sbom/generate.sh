#!/usr/bin/env bash
# Regenerates sbom/assure.cdx.json: the CycloneDX SBOM of the `assure` binary
# (crate assure-cli) and every crate it is built from, for every platform.
# Needs cargo-cyclonedx (cargo install cargo-cyclonedx --locked --version 0.5.9)
# and python3. See README.md beside this file.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/sbom/assure.cdx.json"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# cargo-cyclonedx writes next to the crate's Cargo.toml.
(cd "$root/cli" && cargo cyclonedx --format json --spec-version 1.5 --target all \
  --override-filename assure.cdx.tmp -q)
mv "$root/cli/assure.cdx.tmp.json" "$tmp/bom.json"
# It writes one for every workspace member: only assure-cli's is wanted.
find "$root" -path "$root/target" -prune -o -name assure.cdx.tmp.json -print0 | xargs -0 rm -f
python3 - "$tmp/bom.json" "$out" "$root" <<'PY'
import json, sys
src, out, root = sys.argv[1:]
bom = json.load(open(src))
# CycloneDX 1.6 is a superset of 1.5: every 1.5 document is a valid 1.6
# document once it says so. cargo-cyclonedx 0.5.9 writes 1.5 at most.
bom = {"$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json", **bom}
bom["specVersion"] = "1.6"
# Path dependencies are named by absolute machine paths: make them relative to
# the repository, so the file is the same on every machine.
text = json.dumps(bom, indent=2, ensure_ascii=False)
text = text.replace("path+file://" + root + "/", "path+file:///")
bom = json.loads(text)
# Deterministic, so regenerating changes the file only when the graph does:
# no generation time and no random serial number (both are optional).
bom.pop("serialNumber", None)
bom["metadata"].pop("timestamp", None)
with open(out, "w") as f:
    json.dump(bom, f, indent=2, ensure_ascii=False)
    f.write("\n")
PY
echo "wrote $out"
# The example of assure checking itself carries a copy, with its digest.
cp "$out" "$root/examples/assure-self/sbom.cdx.json"
sha=$(sha256sum "$out" | cut -d' ' -f1)
sed -i "s/^sha256 = \".*\"/sha256 = \"$sha\"/" "$root/examples/assure-self/submission.toml"
echo "updated examples/assure-self"
