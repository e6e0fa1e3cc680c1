#!/usr/bin/env bash
# The action's install step: installs assure (ci/install-assure.sh) and
# writes its path to the step's `path` output; its folder is added to PATH
# for the job's later steps.
#
# Reads ASSURE_INSTALL, ASSURE_VERSION, ASSURE_RELEASE_BASE_URL,
# ASSURE_RELEASE_PUBLIC_KEY, ASSURE_PATH (see ci/install-assure.sh), and what
# the runner sets: RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_PATH.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

: "${RUNNER_TEMP:?RUNNER_TEMP is not set: run this as a step of a GitHub Actions job}"
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: run this as a step of a GitHub Actions job}"

export ASSURE_SOURCE_DIR="$root"
export ASSURE_INSTALL_DIR="${ASSURE_INSTALL_DIR:-$RUNNER_TEMP/assure-bin}"

bin=$(bash "$root/ci/install-assure.sh" | sed -n '$p')

printf 'path=%s\n' "$bin" >>"$GITHUB_OUTPUT"
if [[ -n "${GITHUB_PATH:-}" ]]; then
    dirname "$bin" >>"$GITHUB_PATH"
fi
printf 'assure: using %s\n' "$bin"
