#!/usr/bin/env bash
# Installs assure for a CI job, the same way for every CI integration, and
# prints the binary's absolute path as the last line of standard output
# (everything else goes to standard error).
#
# Reads:
#   ASSURE_INSTALL              release (default) | source | path
#   ASSURE_VERSION              the release to install (default: this checkout's version)
#   ASSURE_RELEASE_BASE_URL     where the release is (default:
#                               https://github.com/assure-health/assure/releases/download/v$VERSION)
#   ASSURE_RELEASE_PUBLIC_KEY   the release signing key (PEM file); required for `release`
#   ASSURE_RELEASE_TARGET       the release's target triple (default: this machine's, e.g.
#                               x86_64-unknown-linux-gnu)
#   ASSURE_PATH                 for `path`: the binary (default: `assure` on PATH)
#   ASSURE_INSTALL_DIR          where to install (required for `release` and `source`)
#   ASSURE_SOURCE_DIR           for `source`: the assure checkout (default: this script's)
#   ASSURE_CARGO_TARGET_DIR     for `source`: cargo's target folder, to cache (default: SOURCE/target)

set -euo pipefail

die() {
    printf 'assure-install: %s\n' "$*" >&2
    exit 1
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=${ASSURE_SOURCE_DIR:-$(cd "$here/.." && pwd)}
mode=${ASSURE_INSTALL:-release}

workspace_version() {
    # `version = "…"` under [workspace.package] in the checkout's Cargo.toml.
    sed -n '/^\[workspace\.package\]/,/^\[/{s/^version *= *"\([^"]*\)".*/\1/p;}' \
        "$source_dir/Cargo.toml" 2>/dev/null | head -n 1
}

# The release target for this machine (the release names its archives by it).
runner_target() {
    local arch
    case "$(uname -m)" in
        x86_64 | amd64) arch=x86_64 ;;
        aarch64 | arm64) arch=aarch64 ;;
        *) arch=$(uname -m) ;;
    esac
    case "$(uname -s)" in
        Linux) printf '%s-unknown-linux-gnu\n' "$arch" ;;
        Darwin) printf '%s-apple-darwin\n' "$arch" ;;
        *) printf '%s-pc-windows-msvc\n' "$arch" ;;
    esac
}

install_dir() {
    [[ -n "${ASSURE_INSTALL_DIR:-}" ]] || die "ASSURE_INSTALL_DIR is not set"
    mkdir -p "$ASSURE_INSTALL_DIR"
    (cd "$ASSURE_INSTALL_DIR" && pwd)
}

case "$mode" in
    release)
        version=${ASSURE_VERSION:-$(workspace_version)}
        version=${version#v}
        [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
            die "version must be a release number such as 0.1.0, not '$version'"
        base_url=${ASSURE_RELEASE_BASE_URL:-https://github.com/assure-health/assure/releases/download/v$version}
        public_key=${ASSURE_RELEASE_PUBLIC_KEY:-}
        [[ -n "$public_key" ]] || die "install: release needs release-public-key, the key the release is verified with"
        [[ -f "$public_key" ]] || die "the release public key '$public_key' is not a file"
        public_key="$(cd "$(dirname "$public_key")" && pwd)/$(basename "$public_key")"
        installer="$source_dir/scripts/install-release.sh"
        [[ -f "$installer" ]] || die "$installer is missing"
        # The installer creates the folder only once the release has verified.
        dest=${ASSURE_INSTALL_DIR:-}
        [[ -n "$dest" ]] || die "ASSURE_INSTALL_DIR is not set"
        [[ "$dest" == /* ]] || dest="$PWD/$dest"
        target=${ASSURE_RELEASE_TARGET:-$(runner_target)}
        installer_args=("$version" "$base_url" "$public_key" "$dest" "$target")
        printf 'assure-install: assure %s from %s, verified with %s\n' "$version" "$base_url" "$public_key" >&2
        printed=$(bash "$installer" "${installer_args[@]}")
        bin=$(printf '%s\n' "$printed" | sed -n '$p')
        ;;
    source)
        command -v cargo >/dev/null || die "install: source needs cargo (rustup) on PATH"
        [[ -f "$source_dir/cli/Cargo.toml" ]] || die "$source_dir is not an assure checkout"
        dest=$(install_dir)
        target_dir=${ASSURE_CARGO_TARGET_DIR:-$source_dir/target}
        printf 'assure-install: building assure from %s\n' "$source_dir" >&2
        # From inside the checkout, so its rust-toolchain.toml picks the toolchain.
        (cd "$source_dir" && cargo install --locked --path "$source_dir/cli" \
            --root "$dest" --target-dir "$target_dir" --force) >&2
        bin="$dest/bin/assure"
        ;;
    path)
        given=${ASSURE_PATH:-}
        if [[ -z "$given" ]]; then
            given=$(command -v assure) || die "install: path, but no assure-path given and no assure on PATH"
        fi
        [[ -f "$given" && -x "$given" ]] || die "assure-path '$given' is not an executable file"
        bin=$(cd "$(dirname "$given")" && pwd)/$(basename "$given")
        ;;
    *)
        die "install must be release, source or path, not '$mode'"
        ;;
esac

[[ -n "$bin" && -x "$bin" ]] || die "no executable assure binary at '$bin'"
case "$bin" in
    /*) ;;
    *) bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" ;;
esac
printf 'assure-install: %s\n' "$("$bin" --version)" >&2
printf '%s\n' "$bin"
