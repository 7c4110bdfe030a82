# Failures while a report is built or written leave no file behind.
F=tests/cli/fixtures

# The catalogue's "script error inside a report": the error names the call and
# the script line; nothing is written.
test_script_error_inside_report() {
  local d; d=$(mktemp -d)
  run "$TS" $F/report_error.lua "$d"
  local files; files=$(ls -A "$d")
  rm -rf "$d"
  assert_rc 1
  assert_err_has "$F/report_error.lua:6: report: table: expected a result set or a list of rows, got nil"
  [ -z "$files" ] || fail "files left: $files"
}

# Allocation failure injected through --max-memory at every limit from where
# the write starts failing to where it succeeds: each run either writes the
# whole file (identical to an unlimited run) or fails and leaves nothing.
test_write_under_every_memory_limit() {
  local ref d k failed_in_write=0 succeeded=0
  ref=$(mktemp -d)
  "$TS" $F/report_rows.lua "$ref" 2000 >/dev/null || fail "reference run failed"
  for k in $(seq 2800 40 4400); do
    d=$(mktemp -d)
    run "$TS" --max-memory "${k}k" $F/report_rows.lua "$d" 2000
    if [ "$RC" -eq 0 ]; then
      succeeded=$((succeeded + 1))
      cmp -s "$d/r.html" "$ref/r.html" || { rm -rf "$d" "$ref"; fail "incomplete file at ${k}k"; }
    else
      case "$ERR" in *"not enough memory"*) ;; *) rm -rf "$d" "$ref"; fail "unexpected error at ${k}k" ;; esac
      case "$ERR" in *"report_rows.lua:9:"*) failed_in_write=$((failed_in_write + 1)) ;; esac
      [ -z "$(ls -A "$d")" ] || { ls -A "$d"; rm -rf "$d" "$ref"; fail "files left after a failure at ${k}k"; }
    fi
    rm -rf "$d"
  done
  rm -rf "$ref"
  [ "$failed_in_write" -gt 0 ] || fail "no limit failed inside r:write: the test covers nothing"
  [ "$succeeded" -gt 0 ] || fail "no limit let the write succeed"
}
