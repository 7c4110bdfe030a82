#!/usr/bin/env bash
# Runs every test_* function of tests/cli/test_*.sh against $TS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${TS:=$root/tradescope}"
export TS ROOT=$root
cd "$root"
passed=0 failed=0
# CLI_ONLY=NAME runs tests/cli/test_NAME.sh alone (a glob: CLI_ONLY="bulk*").
for file in "$here"/test_${CLI_ONLY:-*}.sh; do
  for t in $(bash -c "source '$here/lib.sh'; source '$file'; declare -F" | awk '$3 ~ /^test_/ {print $3}'); do
    if ( export CURRENT_TEST="$(basename "$file"):$t"; source "$here/lib.sh"; source "$file"; "$t" ); then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
    fi
  done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
