#!/usr/bin/env bash
# Installs a pinned assure release, verified before anything is extracted:
#
#   scripts/install-release.sh VERSION BASE_URL PUBLIC_KEY.pem DEST_DIR [TARGET]
#
# Downloads BASE_URL/assure-VERSION-TARGET.tar.gz and its .intoto.json (https://;
# file:// and http://127.0.0.1 or http://localhost for tests), checks them with
# verify-release.sh (signature by PUBLIC_KEY.pem, SLSA provenance, the archive's
# name and SHA-256 among the signed subjects), then extracts the one binary to
# DEST_DIR/assure and prints that path (alone, on standard output).
# TARGET defaults to x86_64-unknown-linux-gnu.
#
# On any failure it exits 1 and leaves nothing in DEST_DIR (which it creates
# only once everything has verified).
set -euo pipefail

fail() {
    printf 'install-release: error: %s\n' "$*" >&2
    exit 1
}

if [[ $# -lt 4 || $# -gt 5 ]]; then
    printf 'usage: %s VERSION BASE_URL PUBLIC_KEY.pem DEST_DIR [TARGET]\n' "${0##*/}" >&2
    exit 1
fi
version=$1
base_url=${2%/}
public_key=$3
dest_dir=$4
target=${5:-x86_64-unknown-linux-gnu}

# Both become part of a file name and a URL.
safe_name='^[A-Za-z0-9_][A-Za-z0-9._-]*$'
[[ $version =~ $safe_name ]] || fail "VERSION \`$version\` is not a version"
[[ $target =~ $safe_name ]] || fail "TARGET \`$target\` is not a target triple"
case $base_url in
    https://* | file://* | http://127.0.0.1 | http://127.0.0.1[:/]* | http://localhost | http://localhost[:/]*) ;;
    *) fail "BASE_URL \`$base_url\` must be https:// (file:// and http://127.0.0.1 are for tests)" ;;
esac
[[ -f $public_key && -r $public_key ]] || fail "$public_key: not a readable file"
command -v curl >/dev/null 2>&1 || fail "\`curl\` is needed and was not found on PATH"
command -v tar >/dev/null 2>&1 || fail "\`tar\` is needed and was not found on PATH"

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
verify="$here/verify-release.sh"
[[ -f $verify ]] || fail "$verify is missing (it is shipped beside this script)"

stem="assure-$version-$target"
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

download() {
    local name=$1
    # Redirects may only go to https; no netrc, no config file.
    if ! curl --disable --fail --silent --show-error --location \
        --proto '=https,http,file' --proto-redir '=https' \
        --max-time 300 --retry 3 \
        --output "$work/$name" -- "$base_url/$name" 2>"$work/curl.err"; then
        fail "cannot download $base_url/$name: $(tail -n 1 "$work/curl.err")"
    fi
}
download "$stem.tar.gz"
download "$stem.intoto.json"

# Verify before extracting anything.
if ! bash "$verify" "$work/$stem.tar.gz" "$work/$stem.intoto.json" "$public_key" >&2; then
    fail "$base_url/$stem.tar.gz did not verify; nothing was installed"
fi

# Extract exactly one member, a regular file, into the scratch folder.
member="$stem/assure"
mkdir "$work/extract"
if ! tar -xzf "$work/$stem.tar.gz" -C "$work/extract" --no-same-owner \
    --no-same-permissions -- "$member" 2>"$work/tar.err"; then
    fail "$stem.tar.gz: cannot extract $member: $(tail -n 1 "$work/tar.err")"
fi
binary="$work/extract/$member"
[[ -f $binary && ! -L $binary ]] || fail "$stem.tar.gz: $member is not a regular file"

mkdir -p -- "$dest_dir"
dest_dir=$(cd -- "$dest_dir" && pwd)
# Copy beside the destination, then rename: the binary appears whole or not at all.
partial="$dest_dir/.assure.partial.$$"
if ! { cp -- "$binary" "$partial" && chmod 0755 "$partial" && mv -f -- "$partial" "$dest_dir/assure"; }; then
    rm -f -- "$partial"
    fail "cannot install to $dest_dir/assure"
fi
printf 'installed assure %s (%s) to %s\n' "$version" "$target" "$dest_dir/assure" >&2
printf '%s\n' "$dest_dir/assure"
