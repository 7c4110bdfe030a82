# scripts/bulk-report.lua run as a user would: a report of one country's
# exports from a BACI file or a snapshot, and each bad argument.

# Seven flows (thousand USD).  By hand: world 97; Viet Nam 704 exports
# 10 + 5 + 7 = 22 (22.7 % of the world); to Russia 10, the world to Russia
# 10: intensity (10/22)/(10/97) = 4.41.  Chapter 01: Viet Nam 10, world 11:
# RCA (10/22)/(11/97) = 4.01.  Markets by grouping: X-EAEU 643 + 112 = 15,
# X-VNNB 156 = 7.
bulk_report_fixture() { # DIR: prints the path of the BACI file
  local f="$1/BACI_HS17_Y2022_V202401.csv"
  printf 't,i,j,k,v,q\n2022,704,643,010121,10,1\n2022,704,112,030111,5,NA\n2022,643,704,270900,20,3\n2022,112,704,847130,4,1\n2022,156,704,847130,50,2\n2022,704,156,030111,7,1\n2022,418,704,010121,1,\n' >"$f"
  printf '%s' "$f"
}

test_bulk_report_writes_each_format_with_hand_computed_figures() {
  local d f; d=$(mktemp -d); f=$(bulk_report_fixture "$d")
  run "$TS" scripts/bulk-report.lua "$f" --exporter VNM --partner 643 --as-of 2026-11-01 \
    --out "$d" --format txt,md,html,json
  assert_rc 0
  assert_out "$(printf '%s\n' "$d"/bulk-VNM-2026-11-01.{txt,md,html,json})"
  local txt; txt=$(cat "$d/bulk-VNM-2026-11-01.txt")
  case $txt in *"VNM exported 22,000 USD in 3 flows, 22.7 % of all exports"*) ;; *) fail "totals: $txt" ;; esac
  case $txt in *"Trade intensity index: 4.41"*) ;; *) fail "intensity: $txt" ;; esac
  printf '%s\n' "$txt" | grep -Eq '^ +01 +10 +11 +4\.01$' || fail "RCA of chapter 01: $txt"
  printf '%s\n' "$txt" | grep -Eq '^ +X-EAEU +15$' || fail "EAEU markets: $txt"
  printf '%s\n' "$txt" | grep -Eq '^ +X-VNNB +7$' || fail "neighbour markets: $txt"
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$d/bulk-VNM-2026-11-01.json" ||
    fail "the JSON does not parse"
  rm -rf "$d"
}

test_bulk_report_reads_a_snapshot_the_same_way() {
  local d f; d=$(mktemp -d); f=$(bulk_report_fixture "$d")
  run "$TS" scripts/import.lua baci "$f" --out "$d/s.tsb"
  assert_rc 0
  run "$TS" scripts/bulk-report.lua "$f" --exporter 704 --as-of 2026-11-01 --out "$d" --format txt
  mv "$d/bulk-VNM-2026-11-01.txt" "$d/from-csv.txt"
  run "$TS" scripts/bulk-report.lua "$d/s.tsb" --exporter 704 --as-of 2026-11-01 --out "$d" --format txt
  assert_rc 0
  diff <(sed 1,3d "$d/from-csv.txt") <(sed 1,3d "$d/bulk-VNM-2026-11-01.txt") >/dev/null ||
    fail "the snapshot gives another report: $(diff "$d/from-csv.txt" "$d/bulk-VNM-2026-11-01.txt")"
  rm -rf "$d"
}

test_bulk_report_refuses_bad_arguments_and_writes_nothing() {
  local d f; d=$(mktemp -d); f=$(bulk_report_fixture "$d")
  run "$TS" scripts/bulk-report.lua "$f"
  assert_rc 2; assert_err_has "--exporter CODE is required"
  run "$TS" scripts/bulk-report.lua "$f" --exporter VNM --top 0
  assert_rc 2; assert_err "bulk-report.lua: --top: '0' is not a positive whole number"
  run "$TS" scripts/bulk-report.lua "$f" --exporter VNM --format pdf
  assert_rc 2; assert_err "bulk-report.lua: --format: 'pdf' is not md, html, txt or json"
  run "$TS" scripts/bulk-report.lua "$f" --exporter VNM --as-of 2026-13-01
  assert_rc 2; assert_err_has "--as-of: '2026-13-01' is not a date"
  run "$TS" scripts/bulk-report.lua "$d/none.csv" --exporter VNM --out "$d"
  assert_rc 1; assert_err_has "$d/none.csv"
  run "$TS" scripts/bulk-report.lua "$f" --exporter DEU --out "$d"
  assert_rc 1; assert_err "bulk-report.lua: no exports of DEU in $f"
  run "$TS" scripts/bulk-report.lua "$f" --exporter VNM --out "$d/missing/dir"
  assert_rc 1; assert_err_has "cannot write"
  [ "$(ls "$d")" = "$(basename "$f")" ] || fail "files left behind: $(ls "$d")"
  run "$TS" scripts/bulk-report.lua --help
  assert_rc 0; assert_out_has "usage: tradescope scripts/bulk-report.lua DATA --exporter CODE"
  rm -rf "$d"
}
