# tradescope's own options and its built-in modules.

test_help() {
  run "$TS" --help
  assert_rc 0; assert_out_has "usage: $TS [options] [script [args]]"; assert_out_has "--data DIR"
  [ -z "$ERR" ] || fail "stderr not empty"
}
test_version() { run "$TS" --version; assert_rc 0; assert_out "$(printf 'tradescope %s\n%s' "$(sed -nE 's/^VERSION := //p' Makefile)" "$(lua5.4 -v)")"; }
test_unknown_long_option() { run "$TS" --frobnicate; assert_rc 1; assert_err_has "unrecognized option '--frobnicate'"; assert_err_has "usage:"; }
test_data_needs_argument() { run "$TS" --data; assert_rc 1; assert_err_has "'--data' needs argument"; }
test_data_missing_dir() {
  run "$TS" --data /no/such/dir -e 'print(1)'
  assert_rc 1; assert_err_has "data directory '/no/such/dir' does not exist"; assert_out ""
}
test_data_dir_used() {
  local d; d=$(mktemp -d)
  run "$TS" --data "$d" -e 'io.write(tradescope.datadir())'; assert_rc 0; assert_out "$d"
  run "$TS" --data="$d" -e 'io.write(tradescope.datadir())'; assert_out "$d"
  TRADESCOPE_DATA=$d run "$TS" -e 'io.write(tradescope.datadir())'; assert_out "$d"
  rmdir "$d"
}
test_default_data_beside_binary() { run "$TS" -e 'io.write(tradescope.datadir())'; assert_out "$ROOT/data"; }
test_long_options_do_not_eat_script_args() { run "$TS" tests/cli/fixtures/args.lua --help; assert_rc 0; assert_out_has "arg[1]=--help"; }
test_lfs_without_cpath() { LUA_CPATH='' run "$TS" -e 'print(type(require("lfs").dir))'; assert_out function; }
test_cjson_builtin() { LUA_CPATH='' run "$TS" -e 'print(require("cjson").encode({1,2}))'; assert_out '[1,2]'; }
test_help_lists_modules() { run "$TS" -e 'help()'; assert_rc 0; assert_out_has "tradescope"; }
test_help_of_function() { run "$TS" -e 'help(help)'; assert_out "help([f]): the one-line help of f, or the list of modules"; }
test_c_module_loads() {
  local d; d=$(mktemp -d)
  cat >"$d/cmod.c" <<'C'
#include <lua.h>
#include <lauxlib.h>
static int twice(lua_State *L) { lua_pushinteger(L, 2 * luaL_checkinteger(L, 1)); return 1; }
int luaopen_cmod(lua_State *L) { lua_newtable(L); lua_pushcfunction(L, twice); lua_setfield(L, -2, "twice"); return 1; }
C
  cc -shared -fPIC $(pkg-config --cflags lua5.4) -o "$d/cmod.so" "$d/cmod.c" || fail "cannot build the C module"
  LUA_CPATH="$d/?.so" run "$TS" -e 'print(require("cmod").twice(21))'
  rm -rf "$d"
  assert_rc 0; assert_out 42
}

# The README is the manual: every function help() lists is named in it
# (the tables' find/all/get once, as T.find, T.all, T.get).
test_readme_names_every_function_with_help() {
  run "$TS" -e 'help()'
  local mods names missing="" n
  mods=$(printf '%s\n' "$OUT" | sed -nE 's/^  ([a-z]+) .*/\1/p')
  [ -n "$mods" ] || fail "help() listed no modules"
  names=$(for m in $mods; do "$TS" -e "help($m)"; done | sed -nE 's/^  ([A-Za-z_.:]+)[({ ].*/\1/p' | sort -u)
  [ "$(printf '%s\n' "$names" | wc -l)" -gt 50 ] || fail "too few functions: $names"
  for n in $names; do
    case $n in *.find | *.all | *.get) n=T.${n##*.} ;; esac
    grep -qF -- "$n" README.md || missing="$missing $n"
  done
  [ -z "$missing" ] || fail "README.md does not name:$missing"
}
