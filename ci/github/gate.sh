#!/usr/bin/env bash
# The action's last step: fails the job when the check step's gate failed
# (after the SARIF and the reports were uploaded). Exits with assure's own
# exit code (2 reject, 3 needs-evidence, 4 trust failure, 1 error), 0 when
# the gate passed.
#
# Reads ASSURE_GATE, ASSURE_VERDICT, ASSURE_EXIT_CODE, ASSURE_FAIL_ON: the
# check step's outputs.

set -euo pipefail

gate=${ASSURE_GATE:-}
verdict=${ASSURE_VERDICT:-}
code=${ASSURE_EXIT_CODE:-}
fail_on=${ASSURE_FAIL_ON:-}

case "$gate" in
    pass)
        printf 'assure: verdict %s (exit %s) passes the gate (fail-on: %s)\n' "$verdict" "$code" "$fail_on"
        exit 0
        ;;
    fail)
        printf '::error title=assure::verdict %s (exit %s) fails the gate (fail-on: %s)\n' "$verdict" "$code" "$fail_on"
        if [[ "$code" =~ ^[0-9]+$ ]] && ((code > 0 && code < 256)); then
            exit "$code"
        fi
        exit 1
        ;;
    *)
        printf '::error title=assure::no verdict: the check did not run\n'
        exit 1
        ;;
esac
