#!/usr/bin/env bash
# The GitLab job's script (ci/gitlab/assure.gitlab-ci.yml): installs assure
# (ci/install-assure.sh), runs `assure check` once (ci/assure-ci.sh) writing
# every report to $CI_PROJECT_DIR/assure-reports/, posts the Markdown report
# as a merge-request note when ASSURE_GITLAB_TOKEN is set in a merge-request
# pipeline, and exits by the verdict: 0 when the gate passes, else assure's
# own exit code (2 reject, 3 needs-evidence, 4 trust failure, 1 error).
#
# Reads the ASSURE_* variables of the template (see ci/README.md) and what
# GitLab sets: CI_PROJECT_DIR, CI_API_V4_URL, CI_PROJECT_ID,
# CI_MERGE_REQUEST_IID, CI_JOB_URL.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

: "${CI_PROJECT_DIR:?CI_PROJECT_DIR is not set: run this as a GitLab CI job}"

out="$CI_PROJECT_DIR/assure-reports"
export ASSURE_OUTPUT_DIR="$out"
export ASSURE_SOURCE_DIR="$root"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/assure-gitlab.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Install. A source build keeps its target folder in the job's cache.
cache="$CI_PROJECT_DIR/.assure-cache"
if [[ "${ASSURE_INSTALL:-release}" == source ]]; then
    export ASSURE_INSTALL_DIR="$cache/root"
    export ASSURE_CARGO_TARGET_DIR="$cache/target"
else
    export ASSURE_INSTALL_DIR="$scratch/bin"
fi
ASSURE_BIN=$(bash "$root/ci/install-assure.sh" | sed -n '$p')
export ASSURE_BIN

result="$scratch/result"
if ! bash "$root/ci/assure-ci.sh" "$result"; then
    printf 'assure: the check could not run (see above)\n' >&2
    exit 1
fi

field() {
    sed -n "s/^$1=//p" "$result" | head -n 1
}

verdict=$(field verdict)
code=$(field exit-code)
gate=$(field gate)
fail_on=$(field fail-on)
report=$(field report)
log=$(field log)
job=${CI_JOB_URL:-}

# The merge-request note: the Markdown report, and the gate's outcome.
note="$scratch/note.md"
{
    if [[ -n "$report" && $(wc -c <"$report") -lt 900000 ]]; then
        cat "$report"
        printf '\n'
    elif [[ -n "$report" ]]; then
        printf '## assure: %s\n\nThe report is too long for a note: see assure-reports/assure.md in the job artefacts.\n' "$verdict"
    else
        printf '## ❌ assure: %s (exit %s)\n\nNothing was decided; the reason is in the job log.\n' "$verdict" "$code"
        if [[ -n "$log" ]]; then
            printf '\n<pre>\n'
            head -n 60 "$log" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
            printf '</pre>\n'
        fi
    fi
    if [[ "$gate" == pass ]]; then
        printf "\n**assure gate: passed** (verdict \`%s\`, fail-on \`%s\`)" "$verdict" "$fail_on"
    else
        printf "\n**assure gate: failed** (verdict \`%s\`, exit %s, fail-on \`%s\`)" "$verdict" "$code" "$fail_on"
    fi
    if [[ -n "$job" ]]; then
        printf ' · [job and reports](%s)' "$job"
    fi
    printf '\n'
} >"$note"

if [[ -n "${CI_MERGE_REQUEST_IID:-}" ]]; then
    if [[ -n "${ASSURE_GITLAB_TOKEN:-}" ]]; then
        : "${CI_API_V4_URL:?CI_API_V4_URL is not set}"
        : "${CI_PROJECT_ID:?CI_PROJECT_ID is not set}"
        url="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"
        # The token goes in a header file, not on the command line.
        header="$scratch/header"
        (umask 077 && printf 'PRIVATE-TOKEN: %s\n' "$ASSURE_GITLAB_TOKEN" >"$header")
        if curl --silent --show-error --fail --request POST \
            --header "@$header" \
            --data-urlencode "body@$note" \
            --output /dev/null \
            "$url"; then
            printf 'assure: the summary is posted to merge request !%s\n' "$CI_MERGE_REQUEST_IID"
        else
            printf 'assure: warning: could not post the summary to merge request !%s; it is in the artefact assure-reports/assure.md\n' "$CI_MERGE_REQUEST_IID" >&2
        fi
    else
        printf 'assure: the summary is in the artefact assure-reports/assure.md (set ASSURE_GITLAB_TOKEN to post it to the merge request)\n'
    fi
else
    printf 'assure: the summary is in the artefact assure-reports/assure.md\n'
fi

if [[ "$gate" == pass ]]; then
    printf 'assure: verdict %s (exit %s) passes the gate (fail-on: %s)\n' "$verdict" "$code" "$fail_on"
    exit 0
fi
printf 'assure: verdict %s (exit %s) fails the gate (fail-on: %s)\n' "$verdict" "$code" "$fail_on" >&2
if [[ "$code" =~ ^[0-9]+$ ]] && ((code > 0 && code < 256)); then
    exit "$code"
fi
exit 1
