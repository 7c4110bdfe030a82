#!/usr/bin/env bash
# Runs every test layer against the release build and again against the
# ASan+UBSan build, then prints the whole run's "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

total_pass=0
total_fail=0

# add LABEL PASSED FAILED
add() {
  printf '%-34s %5d passed, %d failed\n' "$1" "$2" "$3"
  total_pass=$((total_pass + $2))
  total_fail=$((total_fail + $3))
}

# Reads a runner's closing "N passed, M failed" line from a log.
counts_of() {
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
  if [ -z "$line" ]; then echo "0 1"; return; fi
  echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\1 \2/'
}

run_unit() { # BUILD_DIR LABEL
  local t log p f
  for t in "$1"/tests/test_*; do
    [ -x "$t" ] || continue
    log=$(mktemp)
    "$t" >"$log" 2>&1
    local rc=$?
    p=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) test.*/\1/p' "$log" | tail -n 1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$f" -ne 0 ]; then cat "$log"; fi
    add "$2 unit $(basename "$t")" "$p" "$f"
    rm -f "$log"
  done
}

run_layer() { # LABEL LOG-PRODUCING COMMAND...
  local label=$1 log
  shift
  log=$(mktemp)
  "$@" >"$log" 2>&1
  local rc=$?
  read -r p f < <(counts_of "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$f" -ne 0 ]; then cat "$log"; fi
  add "$label" "$p" "$f"
  rm -f "$log"
}

export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

for build in release asan; do
  if [ "$build" = release ]; then bin=$PWD/tradescope; else bin=$PWD/build/asan/tradescope; fi
  run_unit "build/$build" "$build"
  run_layer "$build lua tests" "$bin" tests/lua/run.lua
  run_layer "$build cli tests" env TS="$bin" bash tests/cli/run.sh
done

run_layer "valgrind core unit tests" bash tests/valgrind.sh build/release
run_layer "fuzz regressions" make --no-print-directory fuzz-regress

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
