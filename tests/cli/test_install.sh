# make install puts a working binary, its data and scripts under PREFIX.

test_install_and_run_from_prefix() {
  local prefix; prefix=$(mktemp -d)
  make --no-print-directory install PREFIX="$prefix" >/dev/null 2>&1 || fail "make install failed"
  [ -x "$prefix/bin/tradescope" ] || fail "no binary installed"
  [ -f "$prefix/share/tradescope/scripts/facts.lua" ] || fail "no scripts installed"
  run env -C / "$prefix/bin/tradescope" -e 'io.write(tradescope.datadir(), " ", #trade.all())'
  local installed=$OUT
  run "$TS" -e 'io.write(#trade.all())'
  rm -rf "$prefix"
  [ "$installed" = "$prefix/share/tradescope/data $OUT" ] \
    || fail "installed binary does not use the installed data: $installed"
}
