# The catalogue of bad bulk inputs (tests/catalogue/bulk/): one test per case
# of tests/catalogue/bulk_expected.txt, run through the binary as a user would
# (scripts/import.lua, or -e), checking the exit status, the exact message, and
# that nothing was written or changed.  Snapshots are made at test time from
# bulk/snapshot-source.csv by the binary under test, then damaged here.

BCAT=${ROOT:-.}/tests/catalogue
BULK=$BCAT/bulk

# The case's line of bulk_expected.txt, split into STATUS, STREAM and TEXT.
bulk_expect() {
  local line
  line=$(grep -P "^$1\t" "$BCAT/bulk_expected.txt") || fail "no case '$1' in bulk_expected.txt"
  IFS=$'\t' read -r _ STATUS STREAM TEXT <<<"$line"
}

# ---- bytes of a file -----------------------------------------------------------------

byte_at() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
u64_at() { od -An -tu8 -j "$2" -N8 "$1" | tr -d ' '; }
put_byte() { # FILE OFFSET VALUE
  printf "\\$(printf '%03o' "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
flip_bit() { put_byte "$1" "$2" $(($(byte_at "$1" "$2") ^ 0x10)); }
# Where column N's data starts (snapshot.h: entry at 128 + 64 N, offset at 40).
column_offset() { u64_at "$1" $((128 + 64 * $2 + 40)); }

# ---- the cases ------------------------------------------------------------------------

# Damages the snapshot FILE as the case NAME (snapshot-NAME) says.
damage() {
  local file=$2 value
  value=$(column_offset "$file" 4) # baci column 4 is 'value'
  case $1 in
    intact) ;;
    truncated-header) truncate -s 100 "$file" ;;
    truncated-mid-column) truncate -s $((value + 8)) "$file" ;;
    header-bit-flip) flip_bit "$file" 24 ;; # the row count
    dictionary-bit-flip) flip_bit "$file" $(($(u64_at "$file" 56) + 8)) ;;
    notes-bit-flip) flip_bit "$file" $(($(u64_at "$file" 88) + 2)) ;;
    column-bit-flip*) flip_bit "$file" $((value + 1)) ;;
    old-version) put_byte "$file" 8 1 ;;
    csv-renamed) cp "$BULK/snapshot-source.csv" "$file" ;;
    empty) : >"$file" ;;
    *) fail "no damage for snapshot case '$1'" ;;
  esac
}

# A directory D with the case's input; CMD gets the command line.
bulk_setup() {
  local name=$1
  D=$(mktemp -d)
  case $name in
    baci-* | comtrade-*)
      cp "$BULK/$name.csv" "$D/"
      CMD=("$TS" scripts/import.lua "${name%%-*}" "$D/$name.csv" --out "$D/out.tsb") ;;
    snapshot-*)
      cp "$BULK/snapshot-source.csv" "$D/source.csv"
      run "$TS" scripts/import.lua baci "$D/source.csv" --out "$D/s.tsb"
      [ "$RC" -eq 0 ] || fail "cannot make the snapshot: $ERR"
      damage "${name#snapshot-}" "$D/s.tsb"
      cp "$D/s.tsb" "$D/s.tsb.before"
      case $name in
        *-verify) CMD=("$TS" -e "trade.open('$D/s.tsb'):verify()") ;;
        *-query) CMD=("$TS" -e "print(trade.open('$D/s.tsb'):sum())") ;;
        *-open) CMD=("$TS" -e "print(#trade.open('$D/s.tsb'))") ;;
        *) CMD=("$TS" scripts/import.lua info "$D/s.tsb") ;;
      esac ;;
    *) fail "unknown kind of case '$name'" ;;
  esac
  BEFORE=$(ls "$D")
}

# Nothing written beside the input, nothing changed in it.
assert_nothing_written() {
  [ "$(ls "$D")" = "$BEFORE" ] || fail "files left behind: $(ls "$D" | tr '\n' ' ')"
  if [ -f "$D/s.tsb.before" ]; then
    cmp -s "$D/s.tsb" "$D/s.tsb.before" || fail "the snapshot changed"
  fi
}

bulk_case() {
  bulk_expect "$1"
  bulk_setup "$1"
  run "${CMD[@]}"
  assert_nothing_written
  OUT=${OUT//$D/DIR}; ERR=${ERR//$D/DIR}
  rm -rf "$D"
  local want=${TEXT//TS/$TS}
  assert_rc "$STATUS"
  case $STREAM in
    err) assert_out ""; assert_err "$want" ;;
    first) # a Lua error: the message, then a stack traceback
      assert_out ""
      [ "${ERR%%$'\n'*}" = "$want" ] || fail "first line of stderr differs; expected: $want"
      assert_err_has $'\nstack traceback:' ;;
    out)
      assert_err ""
      [ "${OUT%%$'\n'*}" = "$want" ] || fail "first line of stdout differs; expected: $want" ;;
    *) fail "unknown stream '$STREAM'" ;;
  esac
}

# Every case file is listed, so none is silently left out.
test_catalogue_bulk_lists_every_file() {
  local f name
  for f in "$BULK"/*.csv; do
    name=$(basename "$f" .csv)
    [ "$name" = snapshot-source ] && continue
    grep -qP "^$name\t" "$BCAT/bulk_expected.txt" || fail "$f is not in bulk_expected.txt"
  done
}

# The damage is real: every damaged snapshot differs from the intact one
# (or is gone short), so a case cannot pass on an undamaged file.
test_catalogue_bulk_damage_changes_the_snapshot() {
  local d c
  d=$(mktemp -d)
  cp "$BULK/snapshot-source.csv" "$d/source.csv"
  run "$TS" scripts/import.lua baci "$d/source.csv" --out "$d/good.tsb"
  assert_rc 0
  for c in truncated-header truncated-mid-column header-bit-flip dictionary-bit-flip \
    notes-bit-flip column-bit-flip old-version csv-renamed empty; do
    cp "$d/good.tsb" "$d/bad.tsb"
    damage "$c" "$d/bad.tsb"
    cmp -s "$d/good.tsb" "$d/bad.tsb" && { rm -rf "$d"; fail "damage '$c' changed nothing"; }
  done
  rm -rf "$d"
}

while IFS=$'\t' read -r _case _rest; do
  case $_case in '' | '#'*) continue ;; esac
  eval "test_catalogue_bulk_${_case//-/_}() { bulk_case $_case; }"
done <"$BCAT/bulk_expected.txt"
unset _case _rest
