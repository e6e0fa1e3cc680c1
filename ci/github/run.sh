#!/usr/bin/env bash
# The action's check step: runs `assure check` once (ci/assure-ci.sh), writing
# SARIF, Markdown, JUnit, JSON and HTML (and the signed decision record when a
# signing key is given) to $RUNNER_TEMP/assure (or ASSURE_OUTPUT_DIR); appends
# the Markdown report to the job summary; and writes the step's outputs:
# verdict, exit-code, gate (pass|fail), passed, fail-on, output-dir, sarif,
# report, junit, json, html, record.
#
# It exits 0 whenever the check ran, even when the gate fails, so that the
# SARIF and the reports are uploaded: the action's last step (gate.sh) fails
# the job. It fails here only when the check could not run at all.
#
# Reads the inputs as ci/assure-ci.sh does (ASSURE_*), and what the runner
# sets: RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

: "${RUNNER_TEMP:?RUNNER_TEMP is not set: run this as a step of a GitHub Actions job}"
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: run this as a step of a GitHub Actions job}"

export ASSURE_OUTPUT_DIR="${ASSURE_OUTPUT_DIR:-$RUNNER_TEMP/assure}"
result=$(mktemp "$RUNNER_TEMP/assure-result.XXXXXX")
trap 'rm -f "$result"' EXIT

# What assure prints quotes the supplier's evidence (product and file names):
# none of it may be taken by the runner as a workflow command.
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '::stop-commands::%s\n' "$token"
set +e
bash "$root/ci/assure-ci.sh" "$result"
rc=$?
set -e
printf '::%s::\n' "$token"

if [[ $rc -ne 0 ]]; then
    printf '::error title=assure::the check could not run (see the log above)\n'
    exit "$rc"
fi

field() {
    sed -n "s/^$1=//p" "$result" | head -n 1
}

output() {
    local name=$1 value=$2 delimiter
    if [[ "$value" == *$'\n'* ]]; then
        delimiter="assure_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
        printf '%s<<%s\n%s\n%s\n' "$name" "$delimiter" "$value" "$delimiter" >>"$GITHUB_OUTPUT"
    else
        printf '%s=%s\n' "$name" "$value" >>"$GITHUB_OUTPUT"
    fi
}

verdict=$(field verdict)
code=$(field exit-code)
gate=$(field gate)
fail_on=$(field fail-on)
report=$(field report)
log=$(field log)

for name in verdict exit-code gate fail-on output-dir sarif report junit json html record; do
    output "$name" "$(field "$name")"
done
if [[ "$gate" == pass ]]; then output passed true; else output passed false; fi

html_escape() {
    sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
}

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    {
        if [[ -n "$report" ]]; then
            cat "$report"
            printf '\n'
        else
            case "$verdict" in
                trust-failure) title="trust failure: something did not verify, nothing was decided" ;;
                not-checked) title="a folder of the batch was not checked" ;;
                *) title="error: the check could not be completed" ;;
            esac
            printf '## ❌ assure: %s (exit %s)\n\n' "$title" "$code"
            if [[ -n "$log" ]]; then
                printf '<pre>\n'
                head -n 60 "$log" | html_escape
                printf '</pre>\n'
            fi
        fi
        if [[ "$gate" == pass ]]; then
            printf "\n**assure gate: passed** (verdict \`%s\`, fail-on \`%s\`)\n" "$verdict" "$fail_on"
        else
            printf "\n**assure gate: failed** (verdict \`%s\`, exit %s, fail-on \`%s\`)\n" "$verdict" "$code" "$fail_on"
        fi
    } >>"$GITHUB_STEP_SUMMARY"
fi

printf 'assure: verdict %s (exit %s); gate %s (fail-on: %s); reports in %s\n' \
    "$verdict" "$code" "$gate" "$fail_on" "$(field output-dir)"
