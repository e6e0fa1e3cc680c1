#!/usr/bin/env bash
# Sustained uploads to `assure serve`: the release binary on a fresh
# database, `examples/approved` as a .tar.gz POSTed again and again by wrk
# (keep-alive connections, a fixed duration), reporting uploads per second
# and the latency distribution (p50, p90, p99). Every upload is a full
# check, a signed record, a stored decision and a log append.
#
#   scripts/bench-serve.sh                      # SQLite
#   ASSURE_TEST_POSTGRES=postgres://… scripts/bench-serve.sh   # and PostgreSQL
#   CONNECTIONS=8 DURATION=30s scripts/bench-serve.sh
#
# Needs wrk (Debian: apt-get install -y wrk). wrk and the server share the
# machine: on 2 cores the client takes part of one. Results are written to
# target/bench-serve/; docs/PERFORMANCE.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-4}
DURATION=${DURATION:-20s}
target=${CARGO_TARGET_DIR:-target}
out="$target/bench-serve"
mkdir -p "$out"

command -v wrk >/dev/null || {
  echo "error: wrk is not installed (Debian: apt-get install -y wrk)" >&2
  exit 1
}

echo "== building (release)"
cargo build --release --locked -p assure-cli
assure="$target/release/assure"

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

tar czf "$work/approved.tar.gz" -C examples approved
cat > "$work/upload.lua" <<'LUA'
local f = assert(io.open(os.getenv("ARCHIVE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "application/gzip"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local failed = 0
response = function(status, headers, body)
  if status ~= 201 then failed = failed + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("non-201 responses: %d\n", failed))
end
LUA

run() {
  local name=$1 database=$2
  echo "== $name: $CONNECTIONS connections for $DURATION"
  ASSURE_LOG=warn "$assure" serve --listen 127.0.0.1:0 --database "$database" \
    --key "$work/$name.key" --as-of 2025-09-22T00:00:00Z --cache-dir "$work/cache" \
    > "$work/$name.out" &
  server_pid=$!
  for _ in $(seq 1 600); do
    grep -q "listening on" "$work/$name.out" 2>/dev/null && break
    sleep 0.1
  done
  local url
  url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/$name.out")
  local token
  token=$("$assure" serve token new --role procurement --database "$database")
  # One upload first: the plugins are compiled into the cache.
  curl -sS -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/gzip' \
    --data-binary "@$work/approved.tar.gz" "$url/api/v1/submissions"
  ARCHIVE="$work/approved.tar.gz" TOKEN="$token" \
    wrk -t 1 -c "$CONNECTIONS" -d "$DURATION" --latency -s "$work/upload.lua" \
    "$url/api/v1/submissions" | tee "$out/$name.txt"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
run sqlite "sqlite://$work/assure.db"
if [ -n "${ASSURE_TEST_POSTGRES:-}" ]; then
  db="assure_bench_$$"
  psql "$ASSURE_TEST_POSTGRES" -q -c "CREATE DATABASE $db"
  run postgres "${ASSURE_TEST_POSTGRES%/*}/$db"
  psql "$ASSURE_TEST_POSTGRES" -q -c "DROP DATABASE $db WITH (FORCE)"
fi
