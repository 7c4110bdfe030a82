# tradescope behaves as the standard lua 5.4 command: compared with lua5.4.
F=tests/cli/fixtures

test_script_arguments() { same_as_lua $F/args.lua a "b c" ""; }
test_arguments_with_options() { same_as_lua -e "x=1" -W $F/args.lua one two; }
test_repeated_e_and_attached_e() { same_as_lua -e "io.write(1)" -e"io.write(2)" "-eprint(3)"; }
test_l_module() { LUA_PATH="$F/?.lua" same_as_lua -l mymod -e "print(mymod.answer)"; }
test_l_global_equals_module() { LUA_PATH="$F/?.lua" same_as_lua -l m=mymod -e "print(m.answer, mymod)"; }
test_l_missing_module() { same_as_lua -l no_such_module_xyz; }
test_stdin_dash() { run_in 'print("from stdin", ...)' "$TS" - x y; assert_rc 0; assert_out "from stdin	x	y"; }
test_stdin_without_script() { run_in 'print(2 * 21)' "$TS"; assert_rc 0; assert_out "42"; }
test_double_dash_ends_options() { same_as_lua -- $F/args.lua -e x; }
test_bad_option() { same_as_lua -x; }
test_bad_option_after_valid() { same_as_lua -e "" -vv; }
test_e_needs_argument() { same_as_lua -e; }
test_l_needs_argument() { same_as_lua -l; }
test_E_W_with_extra() { same_as_lua -Ex; }
test_runtime_error() { same_as_lua $F/fail.lua; }
test_syntax_error() { same_as_lua $F/syntax.lua; }
test_missing_script() { same_as_lua no/such/script.lua; }
test_error_object_table() { same_as_lua -e "error({})"; }
test_error_object_tostring() { same_as_lua -e 'error(setmetatable({}, {__tostring=function() return "custom" end}))'; }
test_os_exit_codes() { same_as_lua -e "os.exit(3)"; same_as_lua -e "os.exit(false)"; same_as_lua -e "os.exit(true)"; }
test_finalizers_run_at_exit() { same_as_lua $F/finalizer.lua; run "$TS" $F/finalizer.lua; assert_out finalized; }
test_os_exit_close_runs_finalizers() { same_as_lua $F/finalizer.lua 5; run "$TS" $F/finalizer.lua 5; assert_rc 5; assert_out finalized; }
test_lua_init() { LUA_INIT='print("init")' same_as_lua -e 'print("main")'; }
test_lua_init_versioned_wins() { LUA_INIT='print(1)' LUA_INIT_5_4='print(2)' same_as_lua -e ''; }
test_lua_init_file() { LUA_INIT="@$F/mymod.lua" same_as_lua -e 'print("ok")'; }
test_lua_init_error() { LUA_INIT='error("in init")' same_as_lua -e 'print("not reached")'; }
test_E_ignores_lua_init() { LUA_INIT='print("init")' same_as_lua -E -e 'print("main")'; }
test_E_ignores_lua_path() { LUA_PATH="$F/?.lua" same_as_lua -E -e 'print(pcall(require, "mymod"))'; }
test_W_turns_warnings_on() { same_as_lua -W -e 'warn("hello")'; same_as_lua -e 'warn("hello")'; }
test_i_with_piped_stdin() {
  local input=$'x = 20\nx + 22\nfor i = 1, 2 do\nprint(i)\nend\nerror("boom")\n'
  run_in "$input" lua5.4 -i
  local lout=$OUT lerr=$ERR
  run_in "$input" "$TS" -i
  assert_rc 0
  # The version banner differs (tradescope adds its own line first).
  [ "$(echo "$OUT" | tail -n +3)" = "$(echo "$lout" | tail -n +2)" ] || fail "REPL output differs from lua5.4 -i: $lout"
  assert_err "$lerr"
}
test_v_prints_both_versions() {
  run "$TS" -v
  assert_rc 0
  [ "$(echo "$OUT" | sed -n 1p)" = "tradescope $(sed -nE 's/^VERSION := //p' Makefile)" ] || fail "first line"
  [ "$(echo "$OUT" | sed -n 2p)" = "$(lua5.4 -v)" ] || fail "second line is not Lua's"
}
test_shebang_script() {
  local dir; dir=$(mktemp -d)
  ln -s "$TS" "$dir/tradescope"
  PATH="$dir:$PATH" run $F/shebang.lua z
  rm -rf "$dir"
  assert_rc 0; assert_out "shebang ok	z"
}
test_prompt_globals() {
  run_in $'1\n' "$TS" -e '_PROMPT="P> "' -i
  assert_out_has "P> 1"
}
