# The bundled briefing as cron runs it: scripts/briefing.lua.
# Golden files: tests/briefing/golden (regenerate with UPDATE_GOLDEN=1 after
# checking the difference by eye).
B=scripts/briefing.lua
GOLDEN=tests/briefing/golden

test_golden_files_at_fixed_date() {
  local d; d=$(mktemp -d)
  run "$TS" $B --as-of 2025-01-31 --out "$d" --format md,html,json,txt
  assert_rc 0
  assert_out_has "wrote $d/briefing-2025-01-31.html"
  if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$d"/briefing-2025-01-31.* "$GOLDEN"/; fi
  for f in md html json txt; do
    cmp -s "$d/briefing-2025-01-31.$f" "$GOLDEN/briefing-2025-01-31.$f" \
      || { diff "$GOLDEN/briefing-2025-01-31.$f" "$d/briefing-2025-01-31.$f" | head -20; rm -rf "$d"; fail "$f differs from the golden file"; }
  done
  rm -rf "$d"
}

test_two_runs_identical() {
  local a b; a=$(mktemp -d); b=$(mktemp -d)
  "$TS" $B --as-of 2025-01-31 --out "$a" --format md,html,json,txt >/dev/null
  "$TS" $B --as-of 2025-01-31 --out "$b" --format md,html,json,txt >/dev/null
  local same=yes
  for f in md html json txt; do cmp -s "$a/briefing-2025-01-31.$f" "$b/briefing-2025-01-31.$f" || same=no; done
  rm -rf "$a" "$b"
  [ $same = yes ] || fail "two runs differ"
}

test_default_formats_are_md_and_html() {
  local d; d=$(mktemp -d)
  run "$TS" $B --as-of 2025-01-31 --out "$d"
  local files; files=$(cd "$d" && ls | tr '\n' ' ')
  rm -rf "$d"
  assert_rc 0
  [ "$files" = "briefing-2025-01-31.html briefing-2025-01-31.md " ] || fail "files: $files"
}

test_as_of_leaves_out_later_sources() {
  local d; d=$(mktemp -d)
  # s001 and s002 are dated 2025-01: not yet published on 2024-12-31.
  run "$TS" $B --as-of 2024-12-31 --out "$d" --format md
  local md; md=$(cat "$d/briefing-2024-12-31.md")
  rm -rf "$d"
  assert_rc 0
  case "$md" in *"4.4 bn USD"*|*"4.1 bn USD"*|*"204,000"*) fail "figures of unpublished sources shown" ;; esac
  case "$md" in *"1.9 bn USD"*) ;; *) fail "s000's 1.9 bn USD missing" ;; esac
  case "$md" in *"Not yet published at 2024-12-31: s001 (dated 2025-01), s002 (dated 2025-01)"*) ;;
    *) fail "held-back sources not named" ;; esac
}

test_as_of_mid_month_is_before_a_month_dated_source() {
  local d; d=$(mktemp -d)
  run "$TS" $B --as-of 2025-01-15 --out "$d" --format md
  local md; md=$(cat "$d/briefing-2025-01-15.md")
  rm -rf "$d"
  case "$md" in *"4.1 bn USD"*) fail "a source dated 2025-01 counted as published on 2025-01-15" ;; esac
}

test_as_of_before_every_source() {
  local d; d=$(mktemp -d)
  run "$TS" $B --as-of 2020-01-01 --out "$d" --format md
  local md; md=$(cat "$d/briefing-2020-01-01.md")
  rm -rf "$d"
  assert_rc 0
  case "$md" in *"No national turnover figure had been published by 2020-01-01."*) ;; *) fail "empty briefing wording" ;; esac
}

test_killed_run_leaves_no_partial_file() {
  local ref d t
  ref=$(mktemp -d); d=$(mktemp -d)
  "$TS" $B --as-of 2025-01-31 --out "$ref" --format md,html,json,txt >/dev/null
  for t in 0.02 0.05 0.08 0.11 0.15 0.2 0.3 0.5; do
    (timeout -s KILL "$t" "$TS" $B --as-of 2025-01-31 --out "$d" --format md,html,json,txt >/dev/null 2>&1) 2>/dev/null
    for f in "$d"/briefing-2025-01-31.*; do
      case "$f" in *.tmp-*|*'*'*) continue ;; esac
      cmp -s "$f" "$ref/$(basename "$f")" || { rm -rf "$ref" "$d"; fail "partial file $f after a kill at $t s"; }
    done
  done
  "$TS" $B --as-of 2025-01-31 --out "$d" --format md >/dev/null
  local left; left=$(ls "$d" | grep -c '\.tmp-' || true)
  rm -rf "$ref" "$d"
  [ "$left" -eq 0 ] || fail "temporary files left after a complete run"
}

test_help() { run "$TS" $B --help; assert_rc 0; assert_out_has "usage: tradescope scripts/briefing.lua"; assert_out_has "--as-of"; }
test_bad_date() { run "$TS" $B --as-of 2025-13-01; assert_rc 2; assert_err_has "briefing: --as-of: "; }
test_bad_date_shape() { run "$TS" $B --as-of yesterday; assert_rc 2; assert_err "briefing: --as-of: 'yesterday' is not a date YYYY-MM-DD"; }
test_bad_format() { run "$TS" $B --format md,pdf; assert_rc 2; assert_err "briefing: --format: unknown format 'pdf' (md, html, json, txt)"; }
test_unknown_argument() { run "$TS" $B --colour; assert_rc 2; assert_err_has "briefing: unknown argument '--colour'"; }
test_missing_value() { run "$TS" $B --out; assert_rc 2; assert_err_has "briefing: --out needs a value"; }
test_missing_dataset() { run "$TS" $B --data /no/such/dir --out "$(mktemp -d)"; assert_rc 1; assert_err_has "briefing: invalid dataset: "; assert_err_has "/no/such/dir"; }
test_invalid_dataset() {
  local d o; d=$(mktemp -d); o=$(mktemp -d)
  cp -r data/. "$d"/
  sed -i 's/^t-vnru-2023q1,2023-Q1/t-vnru-2023q1,2023-Q5/' "$d/trade.csv"
  run "$TS" $B --data "$d" --out "$o" --as-of 2025-01-31
  local files; files=$(ls "$o")
  rm -rf "$d" "$o"
  assert_rc 1; assert_err_has "trade.csv:4:15: column 'period'"
  [ -z "$files" ] || fail "files written from an invalid dataset: $files"
}
test_unwritable_output() { run "$TS" $B --out /dev/null/reports --as-of 2025-01-31; assert_rc 1; assert_err_has "briefing: --out: "; }
