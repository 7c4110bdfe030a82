#!/usr/bin/env bash
# Runs every core unit test (build/release/tests/test_*, or those of the build
# directory given) under valgrind memcheck: any memory error or definite leak
# fails the test.  Prints each test's result, then "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
dir=${1:-build/release}/tests

if ! command -v valgrind >/dev/null; then
  echo "valgrind is not installed (apt-get install valgrind)"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0 failed=0
for t in "$dir"/test_*; do
  [ -x "$t" ] && [ -f "$t" ] || continue
  log=$(mktemp)
  valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    "$t" >"$log" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    printf 'valgrind %-28s ok\n' "$(basename "$t")"
  else
    failed=$((failed + 1))
    printf 'valgrind %-28s FAILED (exit %d%s)\n' "$(basename "$t")" "$rc" \
      "$([ "$rc" -eq 99 ] && echo ', memcheck errors')"
    cat "$log"
  fi
  rm -f "$log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
