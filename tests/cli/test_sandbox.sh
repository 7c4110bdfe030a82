# --sandbox: no programs, no native code, no debug library but traceback,
# and files written, removed or renamed only inside the output directory.
# Every run happens in a fresh directory (the default --out is ./reports).

F=$ROOT/tests/cli/fixtures

# sbx: a fresh working directory in $D; sbx_run ARGS...: tradescope --sandbox there.
sbx() { D=$(mktemp -d); }
sbx_run() { run env -C "$D" "$TS" --sandbox "$@"; }
sbx_done() { rm -rf "$D"; }

test_removed_functions_raise() {
  sbx
  local f
  for f in os.execute io.popen os.tmpname package.loadlib; do
    sbx_run -e "print(pcall($f, 'x'))"
    assert_rc 0; assert_out "false	$f is not available under --sandbox"
  done
  sbx_run -e 'local lfs = require "lfs" print(pcall(lfs.link, "/etc/hostname", "reports/h")) print(pcall(lfs.lock_dir, "reports"))'
  assert_out "false	lfs.link is not available under --sandbox
false	lfs.lock_dir is not available under --sandbox"
  sbx_run -e 'os.execute("touch executed")'
  assert_rc 1; assert_err_has "os.execute is not available under --sandbox"
  [ ! -e "$D/executed" ] || fail "os.execute ran"
  sbx_done
}
test_debug_holds_traceback_only() {
  sbx
  sbx_run -e 'local n = 0 for k in pairs(debug) do n = n + 1 end
    print(n, type(debug.traceback), debug.getinfo, debug.sethook, debug.getregistry, debug.getupvalue)
    print(require("debug") == debug)'
  sbx_done
  assert_rc 0; assert_out "1	function	nil	nil	nil	nil
true"
}
test_traceback_stays() {
  sbx; sbx_run -e 'print((debug.traceback("here"):gsub("\n.*", "")))'; sbx_done
  assert_rc 0; assert_out "here"
}
test_kept_functions() {
  sbx
  sbx_run -e 'print(type(os.exit), type(os.getenv), type(os.time), type(io.tmpfile), type(io.lines), type(require))'
  assert_out "function	function	function	function	function	function"
  sbx_run -e 'os.exit(7)'; assert_rc 7
  sbx_done
}

test_writes_inside_the_output_directory() {
  sbx
  sbx_run -e '
    local f = assert(io.open("reports/a.md", "w")) f:write("one\n") f:close()
    f = assert(io.open("reports/a.md", "a")) f:write("two\n") f:close()
    assert(os.rename("reports/a.md", "reports/b.md"))
    local lfs = require "lfs"
    assert(lfs.mkdir("reports/sub")); assert(lfs.touch("reports/b.md"))
    f = assert(io.open("reports/sub/../c.md", "w")) f:write("three") f:close()
    io.output("reports/d.md") io.write("four") io.close() io.output(io.stdout)
    print(io.open("reports/b.md"):read("a"))'
  assert_rc 0; assert_out "one
two"
  [ "$(cat "$D/reports/c.md")$(cat "$D/reports/d.md")" = "threefour" ] || fail "files not written"
  [ -d "$D/reports/sub" ] || fail "no sub directory"
  sbx_done
}
test_writes_outside_refused() {
  sbx
  local target=$D/outside.txt
  sbx_run -e "print(io.open('$target', 'w'))"
  assert_rc 0; assert_out "nil	$target: outside the output directory $D/reports (--sandbox)	13"
  [ ! -e "$target" ] || fail "file created"
  local mode
  for mode in w a r+ w+ a+ wb; do
    sbx_run -e "print(io.open('outside.txt', '$mode') == nil)"; assert_out true
  done
  sbx_run -e 'print(pcall(io.output, "outside.txt"))'
  assert_out "false	outside.txt: outside the output directory $D/reports (--sandbox)"
  [ ! -e "$target" ] || fail "file created"
  sbx_done
}
test_dot_dot_and_links_resolved() {
  sbx
  mkdir -p "$D/reports"
  ln -s "$D/victim" "$D/reports/dangling"
  echo keep >"$D/victim2"; ln -s "$D/victim2" "$D/reports/link"
  sbx_run -e 'print(io.open("reports/../escape", "w") == nil, io.open("reports/dangling", "w") == nil,
                    io.open("reports/link", "a") == nil, io.open("reports", "w") == nil)'
  assert_out "true	true	true	true"
  [ ! -e "$D/escape" ] && [ ! -e "$D/victim" ] && [ "$(cat "$D/victim2")" = keep ] || fail "a write escaped"
  # Removing the link itself is a change inside the directory: allowed.
  sbx_run -e 'print(os.remove("reports/link"))'
  assert_out true; [ "$(cat "$D/victim2")" = keep ] || fail "link target touched"
  sbx_done
}
test_remove_and_rename_outside_refused() {
  sbx
  echo keep >"$D/mine.txt"; mkdir -p "$D/reports"; echo r >"$D/reports/r.txt"
  sbx_run -e 'print(os.remove("mine.txt")) print(os.rename("mine.txt", "reports/x"))
              print(os.rename("reports/r.txt", "stolen.txt")) print(os.remove("reports"))'
  assert_out "nil	mine.txt: outside the output directory $D/reports (--sandbox)	13
nil	mine.txt: outside the output directory $D/reports (--sandbox)	13
nil	stolen.txt: outside the output directory $D/reports (--sandbox)	13
nil	reports: outside the output directory $D/reports (--sandbox)	13"
  [ "$(cat "$D/mine.txt")" = keep ] && [ -e "$D/reports/r.txt" ] && [ ! -e "$D/stolen.txt" ] || fail "files changed"
  sbx_done
}
test_lfs_outside_refused() {
  sbx
  sbx_run -e 'local lfs = require "lfs"
    print(lfs.mkdir("made")) print(lfs.rmdir("/tmp")) print(lfs.touch("touched"))'
  assert_out "nil	made: outside the output directory $D/reports (--sandbox)	13
nil	/tmp: outside the output directory $D/reports (--sandbox)	13
nil	touched: outside the output directory $D/reports (--sandbox)	13"
  [ ! -e "$D/made" ] && [ ! -e "$D/touched" ] || fail "lfs changed the directory"
  sbx_done
}
test_missing_directory_reported_as_io_does() {
  sbx; sbx_run -e 'print(io.open("reports/no/such.md", "w"))'; sbx_done
  assert_out "nil	reports/no/such.md: No such file or directory	2"
}
test_reading_anywhere_allowed() {
  sbx; echo hello >"$D/in.txt"
  sbx_run -e 'print(io.open("in.txt"):read("l"), io.lines("in.txt")(), #io.open("/etc/passwd", "rb"):read("a") > 0)'
  sbx_done
  assert_rc 0; assert_out "hello	hello	true"
}
test_out_option() {
  sbx
  sbx_run --out briefings -e 'print(tradescope.outdir()) assert(io.open("briefings/x.md", "w")):close() print(io.open("reports/x.md", "w") == nil)'
  assert_rc 0; assert_out "briefings
true"
  [ -f "$D/briefings/x.md" ] && [ ! -e "$D/reports" ] || fail "--out not used"
  sbx_run --out no/such/parent -e 'print("ran")'
  assert_rc 1; assert_out ""; assert_err "$TS: --out: cannot create 'no/such/parent': No such file or directory"
  touch "$D/afile"
  sbx_run --out afile -e 'print("ran")'
  assert_rc 1; assert_err "$TS: --out: 'afile' is not a directory"
  sbx_done
}
test_outdir_without_sandbox() {
  run "$TS" -e 'print(tradescope.outdir())'; assert_out reports
  run "$TS" --out=x/y -e 'print(tradescope.outdir())'; assert_out x/y
  [ ! -e x ] || fail "--out without --sandbox created a directory"
}

test_no_c_modules() {
  sbx
  cat >"$D/cmod.c" <<'C'
#include <lua.h>
int luaopen_cmod(lua_State *L) { lua_pushinteger(L, 42); return 1; }
C
  cc -shared -fPIC $(pkg-config --cflags lua5.4) -o "$D/cmod.so" "$D/cmod.c" || fail "cannot build the C module"
  LUA_CPATH="$D/?.so" sbx_run -e 'print(pcall(require, "cmod")) print(#package.searchers)'
  assert_rc 0; assert_out_has "module 'cmod' not found"; assert_out_lacks "42"; assert_out_has "2"
  # The same module loads without --sandbox, so the refusal is the sandbox's.
  LUA_CPATH="$D/?.so" run "$TS" -e 'print((require "cmod"))'
  assert_out 42
  sbx_done
}
test_binary_chunks_refused() {
  sbx
  lua5.4 -e "local f = io.open('$D/bin.lua', 'wb') f:write(string.dump(function() print('bytecode ran') end)) f:close()"
  sbx_run -e 'print(load(string.dump(function() end)))'
  assert_out "nil	attempt to load a binary chunk (mode is 't')"
  sbx_run -e 'print(loadfile("bin.lua")) print(pcall(dofile, "bin.lua"))'
  assert_out_lacks "bytecode ran"; assert_out_has "attempt to load a binary chunk (mode is 't')"
  LUA_PATH="$D/?.lua" sbx_run -e 'print(pcall(require, "bin"))'
  assert_out_lacks "bytecode ran"; assert_out_has "error loading module 'bin'"
  sbx_run bin.lua
  assert_rc 1; assert_out ""; assert_err_has "attempt to load a binary chunk (mode is 't')"
  run "$TS" "$D/bin.lua"; assert_out "bytecode ran"
  sbx_done
}
test_lua_modules_still_load() {
  sbx; LUA_PATH="$F/?.lua" sbx_run -e 'print(require("mymod").answer)'; sbx_done
  assert_rc 0; assert_out 42
}
test_sandbox_covers_lua_init_and_l() {
  sbx
  LUA_INIT='os.execute("touch init-ran")' sbx_run -e 'print(1)'
  assert_rc 1; assert_err_has "os.execute is not available under --sandbox"
  printf 'os.execute("touch l-ran")\n' >"$D/evil.lua"
  LUA_PATH="$D/?.lua" sbx_run -l evil -e 'print(1)'
  assert_rc 1; assert_err_has "os.execute is not available under --sandbox"
  [ ! -e "$D/init-ran" ] && [ ! -e "$D/l-ran" ] || fail "a command ran"
  sbx_done
}
test_dataset_usable_and_save_confined() {
  sbx
  cp -r "$ROOT/data" "$D/data"
  sbx_run --data data -e '
    print(#trade.find{reporter = "VNM", partner = "RUS"} > 0)
    dataset.correct("trade", "t-vnrufe-2023h1", {note = "checked"})
    print(pcall(dataset.save))
    local paths = dataset.save("reports")
    print(paths[1])'
  assert_rc 0
  assert_out "true
false	data/trade.csv: outside the output directory $D/reports (--sandbox)
reports/trade.csv"
  cmp -s "$D/data/trade.csv" "$ROOT/data/trade.csv" || fail "the dataset was changed"
  grep -q checked "$D/reports/trade.csv" || fail "the save inside reports did not happen"
  sbx_done
}
test_without_sandbox_nothing_restricted() {
  local d; d=$(mktemp -d)
  run env -C "$d" "$TS" -e 'print(os.execute("touch ran")) print(type(debug.getinfo), #package.searchers)'
  assert_rc 0; assert_out "true	exit	0
function	4"
  [ -e "$d/ran" ] && [ ! -e "$d/reports" ] || fail "unexpected files"
  rm -rf "$d"
}
test_bulk_snapshot_save_confined() {
  sbx
  printf 't,i,j,k,v,q\n2022,704,643,010121,1.5,2\n' >"$D/BACI_HS17_Y2022_V202401.csv"
  sbx_run -e 'local ds = trade.import_baci("BACI_HS17_Y2022_V202401.csv")
    print(pcall(ds.save, ds, "snap.tsb")) print(pcall(ds.save, ds, "reports/snap.tsb"))'
  assert_rc 0
  assert_out "false	snap.tsb: outside the output directory $D/reports (--sandbox)
true"
  [ ! -e "$D/snap.tsb" ] && [ -f "$D/reports/snap.tsb" ] || fail "the snapshot went to the wrong place"
  sbx_done
}
