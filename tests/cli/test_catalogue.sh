# The catalogue of bad inputs (tests/catalogue/): one test per case of
# tests/catalogue/expected.txt, run as a user would run it, on a copy of
# data/ with one file replaced, checking the exit status and the exact message.

CAT=${ROOT:-.}/tests/catalogue

# The case's line of expected.txt, split into STATUS, STREAM and TEXT.
catalogue_expect() {
  local line
  line=$(grep -P "^$1\t" "$CAT/expected.txt") || fail "no case '$1' in expected.txt"
  IFS=$'\t' read -r _ STATUS STREAM TEXT <<<"$line"
}

# A copy of data/ in D with the case applied; ARGS gets the command line.
catalogue_setup() {
  local name=$1 table=${1%%-*}
  D=$(mktemp -d)
  cp -R "$ROOT/data/." "$D/"
  ARGS=(--data "$D" --check)
  case $name in
    dir-missing) ARGS=(--data /no/such/dir --check) ;;
    dir-is-a-file) ARGS=(--data "$D/trade.csv" --check) ;;
    dir-env-missing) ARGS=(--check); export TRADESCOPE_DATA=/no/such/dir ;;
    dir-empty) rm -rf "${D:?}"/* ;;
    dir-missing-table) rm "$D/trade.csv" ;;
    dir-table-is-a-directory) rm "$D/trade.csv"; mkdir "$D/trade.csv" ;;
    dir-missing-hs) rm "$D/hs/harmonized-system.csv" ;;
    dir-missing-iso-codes) export TRADESCOPE_ISO_CODES=/no/iso ;;
    dir-valid) ;;
    *) if [ -f "$CAT/$name.sh" ]; then bash "$CAT/$name.sh" >"$D/$table.csv"
       else cp "$CAT/$name.csv" "$D/$table.csv"; fi ;;
  esac
}

catalogue_case() {
  catalogue_expect "$1"
  catalogue_setup "$1"
  run "$TS" "${ARGS[@]}"
  OUT=${OUT//$D/DATA}; ERR=${ERR//$D/DATA}
  rm -rf "$D"
  local want=${TEXT//TS/$TS}
  assert_rc "$STATUS"
  if [ "$STREAM" = err ]; then
    assert_out ""; assert_err "$want"
  else
    assert_err ""
    local first=${OUT%%$'\n'*}
    case $first in "dataset DATA: valid ("*"$want"*) ;; *) fail "first line: $first; expected it to hold: $want" ;; esac
  fi
}

# Every case file is listed, so none is silently left out.
test_catalogue_lists_every_file() {
  local f name
  for f in "$CAT"/*.csv "$CAT"/*.sh; do
    name=$(basename "$f"); name=${name%.*}
    grep -qP "^$name\t" "$CAT/expected.txt" || fail "$f is not in expected.txt"
  done
}

while IFS=$'\t' read -r _case _rest; do
  case $_case in ''|'#'*) continue ;; esac
  eval "test_catalogue_${_case//-/_}() { catalogue_case $_case; }"
done <"$CAT/expected.txt"
unset _case _rest
