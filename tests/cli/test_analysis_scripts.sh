# scripts/growth.lua and scripts/compare.lua on the bundled data: they run
# cleanly and print the key figures (computed by hand in the comments).

# assert_row CELLS: stdout has a line with these cells in order, however aligned.
assert_row() {
  local squeezed want
  squeezed=$(printf '%s\n' "$OUT" | tr -s ' ')
  want=$(printf '%s' "$*" | tr -s ' ')
  case "$squeezed" in *"$want"*) ;; *) fail "stdout lacks a row: $*" ;; esac
}

test_growth_script_runs() {
  run "$TS" scripts/growth.lua
  assert_rc 0
  [ -z "$ERR" ] || fail "stderr not empty"
}

test_growth_script_implied_bases() {
  run "$TS" scripts/growth.lua
  assert_out_has "growth.base(1.9e9, -0.157) = 2253855279"                  # 1.9e9 / 0.843
  assert_row "t-vnru-2023m01-07 2023-01/2023-07 1.9 bn USD -15.7 % 2022-01/2022-07 2.254 bn USD"
  assert_row "t-vnrufe-2023h1 2023-H1 150–160 M USD ~+20 % 2022-H1 125–133.333 M USD"   # 150/1.2 .. 160/1.2
  assert_row "t-kluvnm-2020 2020 > 315 M USD +900 % 2017 > 31.5 M USD"      # a bound stays a bound
}

test_growth_script_compound_and_needed() {
  run "$TS" scripts/growth.lua
  assert_out_has "growth.cagr(31.5e6, 315e6, 3) = 1.1544: +115.4 % a year"  # 10^(1/3) - 1
  assert_out_has "growth.needed(4.4e9, 10e9, 5) = 0.1784"                   # (10/4.4)^(1/5) - 1
  assert_row "4.4 bn USD, Jan–Sep 2024 as stated (s001) 4.4 bn USD +31.5 % +17.8 % +8.6 %"
}

test_growth_script_annualised_and_monthly() {
  run "$TS" scripts/growth.lua
  assert_row "t-vnru-2024m01-09 2024-01/2024-09 9 4.4 bn USD 488.889 M USD ~5.867 bn USD"  # /9, x12/9
  assert_row "r-vvo-hph-sgn-2023m01-07 2023-01/2023-07 7 > 20,000 TEU > 2,857.14 TEU > 34,285.71 TEU"
}

test_growth_script_yoy_and_anniversaries() {
  run "$TS" scripts/growth.lua
  assert_out_has "(7 rates: 0 computed from the data, 7 reported by the source)"
  assert_out_has "no year-on-year rate for t-kluvnm-2020: no figure for 2019 in the data, and the reported change is against 2017, not 2019"
  assert_row "2025-01-30 75th 1950-01-30 established a-diplrel-1950"
  assert_row "2025-05-29 10th 2015-05-29 signed a-fta-eaeu-signed"
  assert_row "a-fta-eaeu-signed 2015-05-29 9 years, 8 months, 2 days"     # to 2025-01-31
}

test_growth_script_options() {
  run "$TS" scripts/growth.lua --year 2026 --as-of 2026-06-01
  assert_rc 0
  assert_row "2026-05-29 11th 2015-05-29 signed a-fta-eaeu-signed"
  assert_row "a-fta-eaeu-signed 2015-05-29 11 years, 3 days"
  run "$TS" scripts/growth.lua --frobnicate
  assert_rc 1
  assert_err_has "usage: growth.lua [--year YYYY] [--as-of YYYY-MM-DD]"
}

test_compare_script_runs() {
  run "$TS" scripts/compare.lua
  assert_rc 0
  [ -z "$ERR" ] || fail "stderr not empty"
}

test_compare_script_far_east_share() {
  run "$TS" scripts/compare.lua
  # (150e6/6) / (1.9e9/7) = 0.0921, (160e6/6) / (1.9e9/7) = 0.0982
  assert_out_has "per month, Far East is 9.2–9.8 % of Vietnam–Russia (periods differ: compared by monthly average)"
  assert_row "Russia's Far East 25–26.667 M USD 9.2–9.8 %"
}

test_compare_script_sources() {
  run "$TS" scripts/compare.lua
  assert_out_has "VNM–RUS turnover: s001 against s002"
  assert_out_has "yet the longer period's figure is smaller by 300 M USD: both cannot be true"
  assert_row "s002 t-vnru-2024m01-11 2024-01/2024-11 4.1 bn USD 372.727 M USD +27.4 % 3.218 bn USD in 2023-01/2023-11"
}

test_compare_script_periods_and_partners() {
  run "$TS" scripts/compare.lua
  assert_out_has "per month, 2024 is 180.1 % of 2023"                          # (4.4/9) / (1.9/7)
  assert_out_has "per month, Russia is 11.6 % of China, Laos, Cambodia by road"  # (4.4/9) / (8.44/2)
  assert_row "1 VNM–X-VNNB turnover via X-RBG (2024-01/2024-02) 4.22 bn USD"
  assert_out_has "(no period has both an export and an import figure for the same trade)"
}

test_help_of_analysis_functions() {
  run "$TS" -e 'help(growth.base) help(compare.sources) help(indicators.rca)'
  assert_rc 0
  assert_out_has "growth.base(value, change) or growth.base(row)"
  assert_out_has "compare.sources(rs[, a, b])"
  assert_out_has "indicators.rca(x_ij, X_i, x_wj, X_w)"
  run "$TS" -e 'help()'
  assert_out_has "growth"; assert_out_has "compare"; assert_out_has "indicators"
}
