# shellcheck shell=bash
# The services and tools the server's tests need, on a Debian machine:
#   - PostgreSQL: a throwaway cluster of its own, run by an unprivileged user
#     and listening on 127.0.0.1 only -> ASSURE_TEST_POSTGRES,
#     ASSURE_REQUIRE_POSTGRES=1
#   - headless Chromium and its WebDriver -> ASSURE_CHROMEDRIVER
#   - the axe-core accessibility engine (from npm) -> ASSURE_AXE
#   - the OCI registry of the distribution project (Debian's docker-registry)
#     and skopeo, the independent OCI client: the registry tests start a
#     registry of their own on 127.0.0.1 for each test (some with
#     authentication, some with their storage altered underneath) ->
#     ASSURE_REQUIRE_REGISTRY=1
#
# Two ways to use it:
#   . scripts/ci-services.sh
#       (what .ci/run does) exports the variables, and stops the cluster and
#       deletes its data when the sourcing shell exits: through .ci/run's
#       on_exit where it exists, else a plain EXIT trap (which replaces any
#       EXIT trap that shell had).
#   eval "$(bash scripts/ci-services.sh)"
#       the same exports, but the cluster is left running (for development);
#       eval "$assure_ci_pg_stop" stops it and deletes its data.

if (return 0 2>/dev/null); then
  # Sourced. The work runs in a child bash, so that it runs under
  # 'set -euo pipefail' whatever the sourcing shell's options, and a failure
  # half-way stops what it had started; the child prints shell code to eval.
  if ! assure_ci_env=$(bash "${BASH_SOURCE[0]}"); then
    echo "ci-services: FAILED (see above)" >&2
    return 1
  fi
  eval "$assure_ci_env"
  unset assure_ci_env
  if [ -n "${assure_ci_pg_stop:-}" ]; then
    if declare -F on_exit >/dev/null; then
      on_exit "$assure_ci_pg_stop"
    else
      # shellcheck disable=SC2064 # expand now: the command is fixed
      trap "$assure_ci_pg_stop" EXIT
    fi
  fi
  return 0
fi

set -euo pipefail
# Everything goes to stderr; only the shell code for eval goes to fd 3.
exec 3>&1 1>&2
say() { echo "ci-services: $*"; }
out() { printf 'export %s=%q\n' "$1" "$2" >&3; }
# On the way out, remove the download directory, and stop a cluster that was
# started but not handed over (a failure half-way).
tmp='' stop='' started=''
cleanup() {
  [ -z "$tmp" ] || rm -rf "$tmp"
  [ -z "$stop" ] || [ -n "$started" ] || eval "$stop"
}
trap cleanup EXIT

axe_version=4.14.1
# sha256 of axe.min.js in that version's npm tarball: a cached or downloaded
# copy is used only if it is exactly that file.
axe_sha256=29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
pg_user=assure-ci   # the unprivileged user that runs PostgreSQL when we are root
first_port=54329    # and the next 19 if it is taken

# --- packages: one apt-get update and install, for whatever is missing -----
if [ "$(id -u)" = 0 ]; then
  apt_get=(env DEBIAN_FRONTEND=noninteractive apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt_get=(sudo -n env DEBIAN_FRONTEND=noninteractive apt-get)
else
  apt_get=()
fi
missing=()
for pkg in postgresql chromium chromium-driver docker-registry skopeo; do
  if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]; then
    missing+=("$pkg")
  fi
done
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ ${#apt_get[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    "${apt_get[@]}" update -qq
    "${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "WARNING: not root and no sudo: cannot install ${missing[*]}"
  fi
fi

# --- OCI registry and client -----------------------------------------------
# Installed as a package, never started as a system service here: each test
# starts its own on a loopback port. The package's own service is not
# started (no init system in CI; and it would listen on every address).
if command -v docker-registry >/dev/null && command -v skopeo >/dev/null; then
  out ASSURE_REQUIRE_REGISTRY 1
else
  say "WARNING: no docker-registry or skopeo: the registry tests cannot run"
fi

# --- WebDriver ---------------------------------------------------------------
# Debian's chromium-driver matches Debian's chromium version for version.
if command -v chromedriver >/dev/null; then
  out ASSURE_CHROMEDRIVER "$(command -v chromedriver)"
else
  say "WARNING: no chromedriver: the browser tests cannot run"
fi

# --- axe-core ----------------------------------------------------------------
# Only axe.min.js is needed (the tests inject it into the page), so take it out
# of the package's tarball rather than keep a node_modules tree.
axe_dir="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/assure-ci/axe-core-$axe_version"
axe="$axe_dir/axe.min.js"
if ! echo "$axe_sha256  $axe" | sha256sum -c --status 2>/dev/null; then
  if command -v npm >/dev/null; then
    say "fetching axe-core $axe_version"
    tmp=$(mktemp -d)
    # A cache of its own: $HOME may not be writable, and the file is kept below.
    (cd "$tmp" && npm pack --loglevel=error --no-update-notifier --cache "$tmp/npm-cache" \
      "axe-core@$axe_version" >/dev/null)
    tar -xzf "$tmp/axe-core-$axe_version.tgz" -C "$tmp" package/axe.min.js
    if ! echo "$axe_sha256  $tmp/package/axe.min.js" | sha256sum -c --status; then
      say "axe-core $axe_version from npm is not the file pinned here (sha256 differs)"
      exit 1
    fi
    mkdir -p "$axe_dir"
    mv "$tmp/package/axe.min.js" "$axe"
  else
    say "WARNING: no npm: cannot fetch axe-core"
  fi
fi
if [ -f "$axe" ]; then
  out ASSURE_AXE "$axe"
else
  say "WARNING: no axe-core: the accessibility check cannot run"
fi

# --- PostgreSQL --------------------------------------------------------------
# The newest installed major version (Debian 12: 15).
bindir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
  say "PostgreSQL CANNOT be started: it is not installed and this user can't install it"
  say "(not root, no sudo); the PostgreSQL tests will skip (ASSURE_REQUIRE_POSTGRES not set)"
  exit 0
fi
# PostgreSQL refuses to run as root: as root, run it as an unprivileged system
# user; as anyone else, as that user itself.
if [ "$(id -u)" = 0 ]; then
  if ! id -u "$pg_user" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$pg_user"
  fi
  as_pg=(runuser -u "$pg_user" --)
else
  as_pg=()
fi
# Under /tmp, not $TMPDIR: the socket path must stay short (107 bytes at most)
# and the PostgreSQL user must be able to reach it.
dir=$(mktemp -d /tmp/assure-ci-pg.XXXXXX)
[ ${#as_pg[@]} -eq 0 ] || chown "$pg_user:" "$dir"
chmod 700 "$dir"
cd "$dir" # a working directory the PostgreSQL user can read
stop="${as_pg[*]} $bindir/pg_ctl -D $dir/data -m immediate stop >/dev/null 2>&1 || true; rm -rf $dir"

# Peer authentication on the socket (only the PostgreSQL user, as the
# superuser, which has no password), passwords over TCP; --no-sync: the data
# is thrown away.
"${as_pg[@]}" "$bindir/initdb" -D "$dir/data" --encoding=UTF8 --locale=C.UTF-8 --no-sync \
  --auth-local=peer --auth-host=scram-sha-256 >/dev/null
cat >>"$dir/data/postgresql.conf" <<EOF

# assure CI: loopback only, socket in the cluster's own directory (away from
# the system's /var/run/postgresql), and no durability: the data is thrown
# away at the end of the run.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
include 'port.conf'
EOF
# Made by the PostgreSQL user, so that it can write them; rewritten below.
"${as_pg[@]}" touch "$dir/postgres.log" "$dir/data/port.conf"
port=
for try in $(seq "$first_port" $((first_port + 19))); do
  # Something already answers there: next port.
  if (exec 4<>"/dev/tcp/127.0.0.1/$try") 2>/dev/null; then continue; fi
  echo "port = $try" >"$dir/data/port.conf"
  : >"$dir/postgres.log"
  # 3>&-: the server must not hold the pipe our caller reads to its end.
  if "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
    </dev/null >/dev/null 3>&-; then
    port=$try
    break
  fi
  # Taken between the check and the start: next port; anything else: stop.
  grep -q 'could not bind' "$dir/postgres.log" || break
done
if [ -z "$port" ]; then
  say "PostgreSQL did not start; its log:"
  cat "$dir/postgres.log"
  exit 1
fi

# The tests' login: a password (random for each cluster) and CREATEDB, since
# each test creates a fresh database of its own. Given on stdin, not argv.
password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
"${as_pg[@]}" "$bindir/psql" -h "$dir" -p "$port" -d postgres -q -v ON_ERROR_STOP=1 <<EOF
CREATE ROLE assure LOGIN CREATEDB PASSWORD '$password';
CREATE DATABASE assure OWNER assure;
EOF
started=1
say "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir"
out ASSURE_TEST_POSTGRES "postgres://assure:$password@127.0.0.1:$port/assure"
out ASSURE_REQUIRE_POSTGRES 1
# Not exported: the command that stops the cluster and deletes its data.
printf 'assure_ci_pg_stop=%q\n' "$stop" >&3
