# --max-memory and --timeout: a runaway script ends with one line naming the
# limit and a status of its own (3 timeout, 4 memory).  No test measures
# time: each asserts how the run ended.

F=tests/cli/fixtures

timeout_line() { printf '%s: script exceeded --timeout %s s' "$TS" "$1"; }
memory_line() { printf '%s: script exceeded --max-memory %s' "$TS" "$1"; }

test_timeout_busy_loop() {
  run "$TS" --timeout 0.5 -e 'while true do end'
  assert_rc 3; assert_err "$(timeout_line 0.5)"; assert_out ""
}
test_timeout_not_swallowed_by_pcall() {
  run "$TS" --timeout 0.5 -e 'while true do pcall(function() while true do end end) end'
  assert_rc 3; assert_err "$(timeout_line 0.5)"
}
test_timeout_not_swallowed_by_nested_pcalls() {
  run "$TS" --timeout 0.5 -e '
    local n = 0
    while true do pcall(pcall, function() while true do n = n + 1 end end) end'
  assert_rc 3; assert_err "$(timeout_line 0.5)"
}
test_timeout_not_swallowed_by_xpcall_handler() {
  run "$TS" --timeout 0.5 -e 'while true do xpcall(function() while true do end end, function() while true do end end) end'
  assert_rc 3; assert_err "$(timeout_line 0.5)"
}
test_timeout_not_swallowed_by_coroutines() {
  run "$TS" --timeout 0.5 -e 'while true do coroutine.resume(coroutine.create(function() while true do end end)) end'
  assert_rc 3; assert_err "$(timeout_line 0.5)"
}
test_timeout_survives_removing_the_hook() {
  run "$TS" --timeout 0.5 -e 'debug.sethook() while true do end'
  assert_rc 3; assert_err "$(timeout_line 0.5)"
}
# A pattern match that backtracks for ages never returns to Lua code: the
# hard stop one second after the deadline ends it.
test_timeout_stops_a_stuck_c_function() {
  run "$TS" --timeout 0.5 -e 'string.rep("a", 40):find(string.rep("a?", 40) .. string.rep("a", 40))'
  assert_rc 3; assert_err "$(timeout_line 0.5)"
}
test_timeout_in_a_script_file() {
  local d; d=$(mktemp -d)
  printf 'print("started", ...)\nlocal i = 0\nwhile true do i = i + 1 end\n' >"$d/loop.lua"
  run "$TS" --timeout 1 "$d/loop.lua" x
  rm -rf "$d"
  assert_rc 3; assert_out "started	x"; assert_err "$(timeout_line 1)"
}
test_timeout_leaves_a_quick_script_alone() {
  run "$TS" --timeout 60 -e 'local s = 0 for i = 1, 1e6 do s = s + i end print(s)'
  assert_rc 0; assert_out 500000500000; assert_err ""
}
test_timeout_keeps_ordinary_errors() {
  run "$TS" --timeout 60 -e 'error("plain")'
  assert_rc 1; assert_err_has "(command line):1: plain"
}

test_memory_runaway_table() {
  run "$TS" --max-memory 16M -e 'local t = {} while true do t[#t + 1] = ("x"):rep(1000) end'
  assert_rc 4; assert_err "$(memory_line 16M)"; assert_out ""
}
test_memory_brief_example() {
  run "$TS" --max-memory 64M -e 'local t={} while true do t[#t+1]=("x"):rep(1000) end'
  assert_rc 4; assert_err "$(memory_line 64M)"
}
test_memory_one_huge_string() {
  run "$TS" --max-memory 16M -e 'local s = ("x"):rep(100 * 1024 * 1024) print(#s)'
  assert_rc 4; assert_err "$(memory_line 16M)"; assert_out ""
}
# Memory errors are ordinary Lua errors: a script may catch one and go on
# once the garbage is gone (unlike a timeout).
test_memory_error_can_be_caught() {
  run "$TS" --max-memory 16M -e '
    print(pcall(function() local t = {} while true do t[#t + 1] = ("x"):rep(1000) end end))
    collectgarbage()
    print("after", #("y"):rep(1000))'
  assert_rc 0; assert_out "$(printf 'false\tnot enough memory\nafter\t1000')"
}
test_memory_too_small_to_start() {
  run "$TS" --max-memory 10k -e 'print(1)'
  assert_rc 4; assert_err "$(memory_line 10k)"; assert_out ""
}
test_memory_enough_for_the_dataset() {
  run "$TS" --max-memory 64M -e 'print(#trade.find{reporter = "VNM", partner = "RUS"} > 0)'
  assert_rc 0; assert_out true
}
test_memory_limit_is_not_an_ordinary_error() {
  run "$TS" --max-memory 64M -e 'error("not enough memory, said the script")'
  assert_rc 1; assert_err_has "(command line):1: not enough memory, said the script"
}

test_both_limits_together() {
  run "$TS" --max-memory 16M --timeout 30 -e 'local t = {} while true do t[#t + 1] = {} end'
  assert_rc 4; assert_err "$(memory_line 16M)"
  run "$TS" --max-memory 64M --timeout 0.5 -e 'while true do end'
  assert_rc 3; assert_err "$(timeout_line 0.5)"
}

test_size_forms_accepted() {
  local s
  for s in 1048576 500k 500K 64M 64m 1G 1g; do
    run "$TS" --max-memory "$s" -e 'io.write("ok")'
    assert_rc 0; assert_out ok
  done
  run "$TS" --max-memory=64M -e 'io.write("ok")'; assert_rc 0; assert_out ok
}
test_bad_sizes_refused() {
  local s
  for s in 0 64X 1.5M -1 M 64MB ' 64M' 99999999999999999999G ''; do
    run "$TS" --max-memory "$s" -e 'print("ran")'
    assert_rc 1; assert_out ""
    assert_err "$TS: --max-memory: expected a size in bytes, or a number with k, M or G (500k, 64M, 1G)"
  done
}
test_timeout_forms_accepted() {
  run "$TS" --timeout 30 -e 'io.write("ok")'; assert_rc 0; assert_out ok
  run "$TS" --timeout=0.75 -e 'io.write("ok")'; assert_rc 0; assert_out ok
}
test_bad_timeouts_refused() {
  local s
  for s in 0 0.0 -1 abc 1e3 2s .5 1. 99999999 ''; do
    run "$TS" --timeout "$s" -e 'print("ran")'
    assert_rc 1; assert_out ""
    assert_err "$TS: --timeout: expected a number of seconds above 0 (2, 0.5, 600)"
  done
}
test_limit_options_need_values() {
  run "$TS" --timeout; assert_rc 1; assert_err_has "'--timeout' needs argument"
  run "$TS" --max-memory; assert_rc 1; assert_err_has "'--max-memory' needs argument"
  run "$TS" --out; assert_rc 1; assert_err_has "'--out' needs argument"
}
# Our options come before the script and leave its view of its arguments alone.
test_limits_keep_script_arguments() {
  run "$TS" --timeout 30 --max-memory 64M $F/args.lua a "b c"
  assert_rc 0
  assert_out "n=2 ...=a,b c
arg[-3]=30
arg[-2]=--max-memory
arg[-1]=64M
arg[0]=$F/args.lua
arg[1]=a
arg[2]=b c"
}
test_help_documents_exit_statuses() {
  run "$TS" --help
  assert_rc 0
  assert_out_has "--max-memory SIZE"; assert_out_has "--timeout SECONDS"; assert_out_has "--sandbox"
  assert_out_has "Exit status: 0 ok; 1 error (as lua); 3 --timeout exceeded; 4 --max-memory exceeded."
}
