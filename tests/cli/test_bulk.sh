# Bulk statistics from the command line: scripts/import.lua and the
# progress bar (shown on a terminal only).

bulk_fixture() { # DIR: writes a small BACI file and prints its path
  local f="$1/BACI_HS17_Y2022_V202401.csv"
  printf 't,i,j,k,v,q\n2022,704,643,010121,12.5,0.75\n2022,704,156,030111,3,NA\n2022,842,156,847130,100.25,\n' >"$f"
  printf '%s' "$f"
}

test_bulk_import_writes_a_snapshot_and_info_reads_it() {
  local d f; d=$(mktemp -d); f=$(bulk_fixture "$d")
  run "$TS" scripts/import.lua baci "$f" --out "$d/s.tsb"
  assert_rc 0
  assert_out_has "$f: 3 rows, 26 bytes a row"
  assert_out_has "-> $d/s.tsb"
  [ -z "$ERR" ] || fail "stderr not empty (no progress bar off a terminal)"
  run "$TS" scripts/import.lua info "$d/s.tsb"
  assert_rc 0
  assert_out "$(printf '%s: baci, 3 rows, 26 bytes a row, checksums good\ncolumns: year:int16 exporter:int16 importer:int16 product:string value:double quantity:double' "$d/s.tsb")"
  run "$TS" -e "local s = trade.open('$d/s.tsb'); print(s:filter{exporter='VNM'}:sum(), s:group{'importer'}:sum():top(1)[1].importer)"
  assert_out "$(printf '15.5\t156')"
  rm -rf "$d"
}

test_bulk_import_of_a_bad_file_writes_nothing() {
  local d; d=$(mktemp -d)
  printf 't,i,j,k,v,q\n2022,704,643,010121,12.5,0.75\n2022,704,643,010121,1.5.2,\n' >"$d/bad.csv"
  run "$TS" scripts/import.lua baci "$d/bad.csv" --out "$d/s.tsb"
  assert_rc 1
  assert_err "import.lua: $d/bad.csv:3:21: column 'v': '1.5.2' is not a value (a number, 0 or more)"
  [ ! -e "$d/s.tsb" ] || fail "a snapshot was written"
  [ "$(ls "$d")" = "bad.csv" ] || fail "files left behind: $(ls "$d")"
  rm -rf "$d"
}

test_bulk_import_refuses_bad_arguments() {
  run "$TS" scripts/import.lua baci /tmp/x.csv
  assert_rc 1; assert_err_has "--out SNAPSHOT is required"; assert_err_has "usage:"
  run "$TS" scripts/import.lua info /nonexistent.tsb
  assert_rc 1; assert_err "import.lua: /nonexistent.tsb: cannot open: No such file or directory"
}

test_bulk_progress_bar_only_on_a_terminal() {
  local d f; d=$(mktemp -d); f=$(bulk_fixture "$d")
  run script -qec "$TS scripts/import.lua baci $f --out $d/t.tsb" /dev/null
  assert_rc 0
  assert_out_has "[##############################] 100%"
  run script -qec "$TS scripts/import.lua baci $f --out $d/u.tsb --no-progress" /dev/null
  assert_out_lacks "[#"
  rm -rf "$d"
}

# A scan draws one bar over the whole file, however many blocks it reads.
test_bulk_scan_progress_counts_the_whole_file() {
  local d f; d=$(mktemp -d); f=$(bulk_fixture "$d")
  local lua="print(#trade.scan_baci('$f', {block = 16}):group{'exporter'}:sum())"
  run script -qec "$TS -e \"$lua\"" /dev/null
  assert_rc 0
  assert_out_has "[##############################] 100%"
  local over; over=$(printf '%s' "$OUT" | tr '\r' '\n' | grep -E '\] +(1[0-9][1-9]|[2-9][0-9][0-9])%')
  [ -z "$over" ] || fail "more than 100 %: $over"
  run "$TS" -e "$lua"
  assert_rc 0; assert_out 2
  [ -z "$ERR" ] || fail "a bar off a terminal"
  rm -rf "$d"
}

test_bulk_comtrade_split_into_two_snapshots() {
  local d; d=$(mktemp -d)
  {
    echo "freqCode,period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue,isAggregate"
    echo "A,2023,704,X,643,010121,7,0"
    echo "A,2023,704,X,0,010121,7,0"
    echo "A,2023,704,X,643,TOTAL,9,0"
  } >"$d/c.csv"
  run "$TS" scripts/import.lua comtrade "$d/c.csv" --out "$d/c.tsb"
  assert_rc 0
  assert_out "$d/c.csv: 1 rows to sum -> $d/c.tsb; 2 rows kept apart -> $d/c.apart.tsb"
  run "$TS" -e "print(#trade.open('$d/c.apart.tsb'))"
  assert_out 2
  rm -rf "$d"
}
