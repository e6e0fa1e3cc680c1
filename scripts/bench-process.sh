#!/usr/bin/env bash
# Whole-process benchmark of `assure check`: the release binary on the
# examples and on generated submissions, cold (no compiled-code cache: every
# plugin the submission needs is compiled) and warm (the cache filled by an
# earlier run), with hyperfine, plus peak memory (GNU time).
#
#   scripts/bench-process.sh                 # examples + 1,000 and 10,000 components
#   SIZES="1000 10000 50000" scripts/bench-process.sh
#   RUNS=20 scripts/bench-process.sh
#
# Needs hyperfine (Debian: apt-get install -y hyperfine) and GNU time
# (/usr/bin/time; Debian: apt-get install -y time). Results are written to
# target/bench-process/ as hyperfine JSON and Markdown; docs/PERFORMANCE.md
# says how to read them.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"1000 10000"}
RUNS=${RUNS:-10}
target=${CARGO_TARGET_DIR:-target}
out="$target/bench-process"
mkdir -p "$out"

command -v hyperfine >/dev/null || {
  echo "error: hyperfine is not installed (Debian: apt-get install -y hyperfine)" >&2
  exit 1
}

echo "== building (release)"
cargo build --release --locked -p assure-cli -p assure-bench --bins
assure="$target/release/assure"
gen="$target/release/assure-gen"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cache="$work/cache"

submissions=(examples/approved examples/rejected examples/needs-evidence)
for n in $SIZES; do
  "$gen" "$n" "$work/generated-$n" >/dev/null
  submissions+=("$work/generated-$n")
done

as_of=2025-09-22T00:00:00Z
for submission in "${submissions[@]}"; do
  name=$(basename "$submission")
  check="$assure check $submission --format json --as-of $as_of"
  echo "== $name"
  # Fill the cache once, so that the warm runs find every plugin compiled.
  $check --cache-dir "$cache" >/dev/null || true
  hyperfine --warmup 2 --runs "$RUNS" -N -i \
    --export-json "$out/$name.json" --export-markdown "$out/$name.md" \
    -n "warm (code cache)" "$check --cache-dir $cache" \
    -n "cold (--no-cache)" "$check --no-cache"
  for mode in "--cache-dir $cache" "--no-cache"; do
    /usr/bin/time -f '%M' -o "$work/peak" $check $mode >/dev/null 2>&1 || true
    echo "peak memory ($mode): $(($(tail -1 "$work/peak") / 1024)) MiB"
  done
done
echo "results in $out/"
