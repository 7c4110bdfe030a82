# scripts/report-example.lua and the report module as a user runs them: the
# four files, byte-identical reruns, HTML that an HTML5 parser accepts
# (python3-html5lib, strict mode), JSON that reads back, and clear failures.

EXAMPLE=scripts/report-example.lua
FILES="vietnam-russia.md vietnam-russia.html vietnam-russia.json vietnam-russia.txt"

test_example_writes_four_files_and_prints_their_paths() {
  local dir; dir=$(mktemp -d)
  run "$TS" "$EXAMPLE" "$dir/out"
  assert_rc 0
  local f expected=""
  for f in $FILES; do expected="$expected$dir/out/$f"$'\n'; done
  assert_out "${expected%$'\n'}"
  for f in $FILES; do [ -s "$dir/out/$f" ] || fail "$f missing or empty"; done
  [ "$(ls -A "$dir/out" | wc -l)" -eq 4 ] || fail "stray files: $(ls -A "$dir/out")"
  rm -rf "$dir"
}

test_example_twice_gives_identical_bytes() {
  local dir; dir=$(mktemp -d)
  run "$TS" "$EXAMPLE" "$dir/a"; assert_rc 0
  run "$TS" "$EXAMPLE" "$dir/b"; assert_rc 0
  local f
  for f in $FILES; do cmp -s "$dir/a/$f" "$dir/b/$f" || fail "$f differs between runs"; done
  rm -rf "$dir"
}

test_example_html_parses_as_html5() {
  if ! /usr/bin/python3 -c 'import html5lib' 2>/dev/null; then
    echo "SKIP $CURRENT_TEST: /usr/bin/python3 with html5lib is missing (apt-get install python3-html5lib)"
    return 0
  fi
  local dir; dir=$(mktemp -d)
  run "$TS" "$EXAMPLE" "$dir"; assert_rc 0
  # run() reads stdin from /dev/null, so the check goes through a file
  local py; py=$(mktemp)
  cat >"$py" <<'EOF'
import sys, html5lib
doc = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(open(sys.argv[1], "rb").read())
svg = "{http://www.w3.org/2000/svg}svg"
print(len(doc.findall(".//figure")), len(doc.findall(".//" + svg)), len(doc.findall(".//table")),
      len(doc.findall(".//section/ol/li")))
EOF
  run /usr/bin/python3 "$py" "$dir/vietnam-russia.html"
  rm -f "$py"
  assert_rc 0
  # 3 charts, each an inline SVG in a figure; 4 tables; 5 sources cited
  assert_out "3 3 4 5"
  rm -rf "$dir"
}

test_example_json_reads_back() {
  local dir; dir=$(mktemp -d)
  run "$TS" "$EXAMPLE" "$dir"; assert_rc 0
  local lua; lua=$(mktemp)
  cat >"$lua" <<'EOF'
local cjson = require "cjson"
local f = assert(io.open(arg[1], "rb"))
local doc = cjson.decode(f:read("a"))
f:close()
local kinds, ids = {}, {}
for _, b in ipairs(doc.blocks) do kinds[#kinds + 1] = b.type end
for _, n in ipairs(doc.footnotes) do ids[#ids + 1] = n.id end
print(doc.title, doc.as_of)
print(table.concat(kinds, " "))
print(table.concat(ids, " "))
EOF
  run "$TS" "$lua" "$dir/vietnam-russia.json"
  rm -f "$lua"
  assert_rc 0
  assert_out "Vietnam–Russia trade and travel	2025-01
heading paragraph table chart chart note heading chart table heading table heading paragraph table
s002 s001 s000 s003 s004"
  rm -rf "$dir"
}

test_example_as_of_is_printed() {
  local dir; dir=$(mktemp -d)
  run "$TS" "$EXAMPLE" "$dir" --as-of 2024-12-31; assert_rc 0
  grep -q '^As of 31 December 2024 · tradescope report example$' "$dir/vietnam-russia.txt" \
    || fail "as-of line missing: $(sed -n 4p "$dir/vietnam-russia.txt")"
  rm -rf "$dir"
}

test_example_bad_as_of_fails_and_writes_nothing() {
  local dir; dir=$(mktemp -d)
  run "$TS" "$EXAMPLE" "$dir/out" --as-of 2024-13-01
  [ "$RC" -ne 0 ] || fail "exit status 0 for a bad date"
  assert_err_has "as_of: '2024-13-01' is not a date"
  [ ! -e "$dir/out/vietnam-russia.md" ] || fail "a file was written"
  rm -rf "$dir"
}

test_example_help_and_unknown_option() {
  run "$TS" "$EXAMPLE" --help
  assert_rc 0
  assert_out_has "usage: tradescope scripts/report-example.lua [DIR] [--as-of YYYY-MM-DD]"
  run "$TS" "$EXAMPLE" --bogus
  assert_rc 2
  assert_err_has "report-example.lua: unknown option '--bogus'"
}

test_example_unusable_directory_says_which() {
  local dir; dir=$(mktemp -d)
  : >"$dir/file"
  run "$TS" "$EXAMPLE" "$dir/file/out"
  assert_rc 2
  assert_err "report-example.lua: cannot create '$dir/file/out': Not a directory"
  run "$TS" "$EXAMPLE" "$dir/file"
  assert_rc 2
  assert_err "report-example.lua: report: cannot write '$dir/file/vietnam-russia.md': Not a directory"
  rm -rf "$dir"
}

test_write_error_is_one_line_naming_the_path() {
  local dir; dir=$(mktemp -d)
  run "$TS" -e "report.new{title = 't', as_of = '2025-01-31'}:write('$dir/no/such/r.html')"
  assert_rc 1
  assert_err_has "report: cannot write '$dir/no/such/r.html': No such file or directory"
  [ -z "$(ls -A "$dir")" ] || fail "left behind: $(ls -A "$dir")"
  rm -rf "$dir"
}
