# Helpers for CLI tests.  A test is a function named test_* in a
# tests/cli/test_*.sh file; it fails by calling `fail` (or any assertion).
# $TS is the binary under test.

# run CMD...: runs a command; sets OUT, ERR (file contents) and RC.
run() {
  local o e
  o=$(mktemp); e=$(mktemp)
  "$@" >"$o" 2>"$e" </dev/null
  RC=$?
  OUT=$(cat "$o"); ERR=$(cat "$e")
  rm -f "$o" "$e"
}

# run_in INPUT CMD...: as run, with INPUT on standard input.
run_in() {
  local input=$1 o e
  shift
  o=$(mktemp); e=$(mktemp)
  printf '%s' "$input" | "$@" >"$o" 2>"$e"
  RC=$?
  OUT=$(cat "$o"); ERR=$(cat "$e")
  rm -f "$o" "$e"
}

fail() {
  printf 'FAIL %s: %s\n' "${CURRENT_TEST:-?}" "$*"
  printf '  rc=%s\n  stdout: %s\n  stderr: %s\n' "${RC:-}" "${OUT:-}" "${ERR:-}" | head -c 3000
  exit 1
}

assert_rc() { [ "$RC" -eq "$1" ] || fail "exit status $RC, expected $1"; }
assert_out() { [ "$OUT" = "$1" ] || fail "stdout differs; expected: $1"; }
assert_err() { [ "$ERR" = "$1" ] || fail "stderr differs; expected: $1"; }
assert_out_has() { case "$OUT" in *"$1"*) ;; *) fail "stdout lacks: $1" ;; esac; }
assert_err_has() { case "$ERR" in *"$1"*) ;; *) fail "stderr lacks: $1" ;; esac; }
assert_out_lacks() { case "$OUT" in *"$1"*) fail "stdout has: $1" ;; esac; }

# same_as_lua ARGS...: tradescope and lua5.4 give the same stdout, stderr
# (program name aside) and exit status for the same command line.
same_as_lua() {
  run lua5.4 "$@"
  local lout=${OUT//lua5.4/PROG} lerr=${ERR//lua5.4/PROG} lrc=$RC
  run "$TS" "$@"
  OUT=${OUT//$TS/PROG}
  # Our usage text adds a section of our own options after lua's.
  local terr
  terr=$(printf '%s\n' "$ERR" | sed '/^Options of tradescope:/,/^Exit status:/d')
  terr=${terr//$TS/PROG}
  [ "$RC" -eq "$lrc" ] || fail "exit status $RC, lua5.4 gives $lrc"
  [ "$OUT" = "$lout" ] || fail "stdout differs from lua5.4: $lout"
  [ "$terr" = "$lerr" ] || fail "stderr differs from lua5.4: $lerr"
}
