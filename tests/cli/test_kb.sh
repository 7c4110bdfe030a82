# The knowledge base as a user reaches it from the command line.

# kb_copy: a copy of the bundled data directory in a new temporary directory (printed).
kb_copy() {
  local d
  d=$(mktemp -d) || fail "mktemp"
  cp -R "$ROOT/data/." "$d/" || fail "cannot copy data/"
  printf '%s' "$d"
}

test_kb_query_prints_the_aligned_table() {
  run "$TS" -e 'print(trade.find{reporter="VNM", partner="RUS", within="2023-Q1"})'
  assert_rc 0
  assert_out "$(cat <<'EOF'
id             period   reporter  partner  via  flow      commodity  value      change  change_basis  source
-------------  -------  --------  -------  ---  --------  ---------  ---------  ------  ------------  ------
t-vnru-2023q1  2023-Q1  VNM       RUS           turnover  TOTAL      732 M USD  -49 %   2022-Q1       s000
(1 row, trade)
EOF
)"
  assert_err ""
}

test_kb_query_with_several_rows() {
  run "$TS" -e 'print(trade.find{partner={"RUS","VNM"}, within="2023"})'
  assert_rc 0
  assert_out_has "t-vnru-2023q1      2023-Q1          VNM       RUS           turnover  TOTAL      732 M USD   -49 %    2022-Q1          s000"
  assert_out_has "t-vnru-2023m01-07  2023-01/2023-07  VNM       RUS           turnover  TOTAL      1.9 bn USD  -15.7 %  2022-01/2022-07  s000"
  assert_out_has "(3 rows, trade)"
  assert_out_lacks "t-vnrufe-2023h1"
}

test_kb_script_reads_figures_and_sources() {
  local d
  d=$(mktemp -d)
  cat >"$d/q.lua" <<'EOF'
local r = trade.find{reporter = "RU-KLU", partner = "VNM"}[1]
print(r.id, r.value:low(), r.value:qualifier(), r.value:unit(), tostring(r.period))
print(tostring(sources(r)))
EOF
  run "$TS" "$d/q.lua"
  rm -rf "$d"
  assert_rc 0
  assert_out_has "t-kluvnm-2020	315000000.0	more_than	USD	2020"
  assert_out_has "003_ad565ece6cbeef54.txt"
  assert_out_has "Bilateral trade topped 315 million USD in 2020, rising 10-fold in three years"
}

test_kb_data_option_selects_the_dataset() {
  local d
  d=$(kb_copy)
  run "$TS" --data "$d" -e 'print(dataset.dir(), #trade.all())'
  rm -rf "$d"
  assert_rc 0
  assert_out "$d	11"
}

test_kb_broken_csv_exits_1_with_file_line_column() {
  local d
  d=$(kb_copy)
  sed -i 's/^t-vnru-2023q1,2023-Q1,/t-vnru-2023q1,2023-13,/' "$d/trade.csv"
  run "$TS" --data "$d" -e 'print(trade.find{reporter="VNM"})'
  assert_rc 1
  assert_out ""
  assert_err_has "$d/trade.csv:4:15: column 'period': '2023-13' is not a period: month '13' is not 01..12"
  # the same through the environment
  TRADESCOPE_DATA=$d run "$TS" -e 'print(#trade.all())'
  assert_rc 1
  assert_err_has "$d/trade.csv:4:15: column 'period':"
  # a script that does not touch the dataset still runs: it is loaded on first use
  run "$TS" --data "$d" -e 'print(1 + 1)'
  assert_rc 0
  assert_out "2"
  rm -rf "$d"
}

test_kb_bad_field_kinds_name_their_column() {
  local d
  d=$(kb_copy)
  sed -i 's/^t-vnru-2023q1,2023-Q1,VNM,RUS,,turnover,TOTAL,exact,732000000,/t-vnru-2023q1,2023-Q1,VNM,RUS,,turnover,TOTAL,exact,7.32e8,/' "$d/trade.csv"
  run "$TS" --data "$d" -e 'print(#trade.all())'
  assert_rc 1
  assert_err_has "$d/trade.csv:4:53: column 'value': '7.32e8' is not a plain decimal number"
  cp "$ROOT/data/trade.csv" "$d/trade.csv"
  sed -i 's/^rk-klu-vnm,VNM,RU-KLU,/rk-klu-vnm,VNM,RU-XXX,/' "$d/rankings.csv"
  run "$TS" --data "$d" -e 'print(#trade.all())'
  assert_rc 1
  assert_err_has "$d/rankings.csv:2:16: column 'area': unknown area code 'RU-XXX'"
  rm -rf "$d"
}

test_kb_missing_table_names_the_path() {
  local d
  d=$(kb_copy)
  rm "$d/tourism.csv"
  run "$TS" --data "$d" -e 'print(#trade.all())'
  assert_rc 1
  assert_out ""
  assert_err_has "$d/tourism.csv: cannot open: No such file or directory"
  rm -rf "$d"
}

test_kb_filter_errors_exit_1() {
  run "$TS" -e 'print(trade.find{foo = 1})'
  assert_rc 1
  assert_err_has "(command line):1: trade has no column 'foo' (filter by a column, 'area' or 'within')"
  run "$TS" -e 'print(trade.find{reporter = "XXX"})'
  assert_rc 1
  assert_err_has "(command line):1: unknown area code 'XXX'"
  run "$TS" -e 'print(trade.find{flow = "exports"})'
  assert_rc 1
  assert_err_has "(command line):1: 'exports' is not a flow (one of export|import|turnover|balance)"
}

test_kb_save_rewrites_only_the_changed_table() {
  local d
  d=$(kb_copy)
  run "$TS" --data "$d" -e 'dataset.correct("trade", "t-vnru-2023q1", {note = "checked"}); for _, p in ipairs(dataset.save()) do print(p) end'
  assert_rc 0
  assert_out "$d/trade.csv"
  diff -r -x trade.csv "$ROOT/data" "$d" >/dev/null || fail "files other than trade.csv changed"
  local changed
  changed=$(diff "$ROOT/data/trade.csv" "$d/trade.csv" | grep -c '^[<>]')
  [ "$changed" -eq 2 ] || fail "expected one line out and one in, got $changed"
  grep -q '^t-vnru-2023q1,.*,checked$' "$d/trade.csv" || fail "corrected row not written"
  rm -rf "$d"
}
