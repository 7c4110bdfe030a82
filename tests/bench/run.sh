#!/usr/bin/env bash
# run.sh — the bulk statistics benchmark (`make bench`): tradescope against
# every peer that is installed (DuckDB through node, sqlite3, pandas,
# Miller, plain Lua 5.4), on SYNTHETIC BACI-shaped data (gen_baci.lua).
#
#   T1  import one year of BENCH_ROWS rows, print the row count
#   T2  total value by exporter, top 10 (from the CSV)
#   T3  exporter 704 to importer 643, value by HS chapter, top 10
#   T4  two years of BENCH_ROWS/2 rows: totals per (exporter, importer) in
#       each, joined, growth; the 10 largest absolute increases
#   T5  T2 on data already persisted (tradescope snapshot, DuckDB database
#       file, SQLite database file, pandas pickle; Miller and plain Lua
#       keep nothing, so they have no T5)
#
# Each task runs as a whole process BENCH_RUNS times; the table gives the
# median wall time, CPU time (user + system) and peak resident memory
# (/usr/bin/time), the ratio tradescope/peer of the wall times, and whether
# the peer's answer equals tradescope's (check.lua).  Results also go to
# build/bench/results.md.  Timings are never asserted: this is not a test.
#
# Environment: BENCH_ROWS (10000000), BENCH_RUNS (3), BENCH_TIMEOUT
# (seconds per run, 900), BENCH_TOOLS (all: "tradescope duckdb sqlite
# pandas mlr lua"), BENCH_TASKS ("T1 T2 T3 T4 T5"), TS (./tradescope).
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
ROWS=${BENCH_ROWS:-10000000}
RUNS=${BENCH_RUNS:-3}
TIMEOUT=${BENCH_TIMEOUT:-900}
TOOLS=${BENCH_TOOLS:-tradescope duckdb sqlite pandas mlr lua}
TASKS=${BENCH_TASKS:-T1 T2 T3 T4 T5}
TS=${TS:-$ROOT/tradescope}
OUT=$ROOT/build/bench
DATA=$OUT/data
PERSIST=$OUT/persist/N$ROWS
SEED=20240601
HALF=$((ROWS / 2))
Y=$DATA/BACI_SYNTHETIC_Y2022_N${ROWS}_S$SEED.csv
E=$DATA/BACI_SYNTHETIC_PAIR_Y2021_N${HALF}_S$SEED.csv
L=$DATA/BACI_SYNTHETIC_PAIR_Y2022_N${HALF}_S$SEED.csv
B=$ROOT/tests/bench
PY=/usr/bin/python3

mkdir -p "$DATA" "$PERSIST" "$OUT/answers" "$OUT/times"
[ -x "$TS" ] || { echo "bench: $TS is not built (run make)" >&2; exit 1; }
command -v lua5.4 >/dev/null || { echo "bench: lua5.4 is needed to generate the data" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (Debian package time)" >&2; exit 1; }

# ---- which peers are here -----------------------------------------------------------

have() {
  case $1 in
    tradescope) return 0 ;;
    duckdb) command -v node >/dev/null && [ -d "$OUT/node_modules/@duckdb/node-api" ] ;;
    sqlite) command -v sqlite3 >/dev/null ;;
    pandas) [ -x "$PY" ] && "$PY" -c 'import pandas' 2>/dev/null ;;
    mlr) command -v mlr >/dev/null ;;
    lua) command -v lua5.4 >/dev/null ;;
    *) return 1 ;;
  esac
}

present=() missing=()
for t in $TOOLS; do
  if have "$t"; then present+=("$t"); else missing+=("$t"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: peers missing (make bench-peers installs them): ${missing[*]}"
fi
[ -d "$OUT/node_modules" ] && cp "$B/duckdb_task.mjs" "$OUT/duckdb_task.mjs"

# cmd TOOL TASK: sets CMD to the command line, or returns 1 when the tool
# has no such task.
cmd() {
  local tool=$1 task=$2 in1=$Y in2=
  [ "$task" = T4 ] && in1=$E in2=$L
  case $tool/$task in
    tradescope/T5) CMD=("$TS" "$B/ts_task.lua" T5 "$PERSIST/ts.tsb") ;;
    tradescope/*) CMD=("$TS" "$B/ts_task.lua" "$task" "$in1" $in2) ;;
    duckdb/T5) CMD=(node "$OUT/duckdb_task.mjs" T5 "$PERSIST/duck.db") ;;
    duckdb/*) CMD=(node "$OUT/duckdb_task.mjs" "$task" "$in1" $in2) ;;
    sqlite/T5) CMD=(bash "$B/sqlite_task.sh" T5 "$PERSIST/sqlite.db") ;;
    sqlite/*) CMD=(bash "$B/sqlite_task.sh" "$task" "$in1" $in2) ;;
    pandas/T5) CMD=("$PY" "$B/pandas_task.py" T5 "$PERSIST/pandas.pkl") ;;
    pandas/*) CMD=("$PY" "$B/pandas_task.py" "$task" "$in1" $in2) ;;
    mlr/T5 | lua/T5) return 1 ;;
    mlr/*) CMD=(bash "$B/mlr_task.sh" "$task" "$in1" $in2) ;;
    lua/*) CMD=(lua5.4 "$B/plain_task.lua" "$task" "$in1" $in2) ;;
  esac
}

# ---- data and persisted copies (not timed) --------------------------------------------

echo "bench: SYNTHETIC data, $ROWS rows (T4: two years of $HALF), seed $SEED"
[ -f "$Y" ] || lua5.4 "$B/gen_baci.lua" "$ROWS" 2022 "$DATA" "$SEED" >/dev/null || exit 1
if [[ " $TASKS " == *" T4 "* ]] && { [ ! -f "$E" ] || [ ! -f "$L" ]; }; then
  lua5.4 "$B/gen_baci.lua" "$HALF" 2021,2022 "$DATA" "$SEED" >/dev/null || exit 1
fi

prepare() { # TOOL FILE COMMAND...: writes FILE once for this data (and tradescope build)
  local tool=$1 file=$2
  shift 2
  # a snapshot older than the tradescope binary may be of an older format
  [ -f "$file" ] && [ "$file" -nt "$Y" ] && { [ "$tool" != tradescope ] || [ "$file" -nt "$TS" ]; } &&
    return 0
  rm -f "$file"
  echo "bench: preparing $tool's persisted copy for T5"
  "$@" >/dev/null || echo "bench: $tool: preparing $file failed" >&2
}
if [[ " $TASKS " == *" T5 "* ]]; then
  for t in "${present[@]}"; do
    case $t in
      tradescope) prepare tradescope "$PERSIST/ts.tsb" "$TS" "$B/ts_task.lua" SAVE "$Y" "$PERSIST/ts.tsb" ;;
      duckdb) rm -f "$PERSIST/duck.db.tmp"
        prepare duckdb "$PERSIST/duck.db" node "$OUT/duckdb_task.mjs" SAVE "$Y" "$PERSIST/duck.db" ;;
      sqlite) prepare sqlite "$PERSIST/sqlite.db" bash "$B/sqlite_task.sh" SAVE "$Y" "$PERSIST/sqlite.db" ;;
      pandas) prepare pandas "$PERSIST/pandas.pkl" "$PY" "$B/pandas_task.py" SAVE "$Y" "$PERSIST/pandas.pkl" ;;
    esac
  done
fi

# ---- runs ---------------------------------------------------------------------------------

median() { sort -g | awk '{v[NR] = $1} END {print NR ? v[int((NR + 1) / 2)] : "nan"}'; }

# measure TOOL TASK: RUNS runs; sets WALL CPU MEM (medians) and STATUS.
measure() {
  local tool=$1 task=$2 n tf ans
  WALL=nan CPU=nan MEM=nan STATUS=
  cmd "$tool" "$task" || { STATUS=n/a; return; }
  : >"$OUT/times/$tool-$task"
  for n in $(seq 1 "$RUNS"); do
    tf=$OUT/times/$tool-$task.$n
    ans=$OUT/answers/$tool-$task
    if ! /usr/bin/time -f '%e %U %S %M' -o "$tf" timeout "$TIMEOUT" "${CMD[@]}" >"$ans" 2>"$ans.err"; then
      STATUS="failed (see $ans.err)"
      [ "$(tail -n 1 "$tf" 2>/dev/null | cut -d' ' -f1)" = "Command" ] && STATUS=failed
      grep -q "exited with non-zero status 124" "$tf" && STATUS="timeout (${TIMEOUT}s)"
      return
    fi
    tail -n 1 "$tf" >>"$OUT/times/$tool-$task"
  done
  WALL=$(awk '{print $1}' "$OUT/times/$tool-$task" | median)
  CPU=$(awk '{print $2 + $3}' "$OUT/times/$tool-$task" | median)
  MEM=$(awk '{print $4 / 1024}' "$OUT/times/$tool-$task" | median)
  if [ "$tool" = tradescope ]; then
    STATUS=reference
  else
    STATUS=$(lua5.4 "$B/check.lua" "$OUT/answers/tradescope-$task" "$OUT/answers/$tool-$task" | head -n 1)
    [ "$STATUS" = ok ] && STATUS="same answer"
  fi
}

load_now() { cut -d' ' -f1-3 /proc/loadavg; }
RESULTS=$OUT/results.md
{
  echo "Machine: $(nproc) CPUs, $(free -m | awk '/^Mem:/ {print $2}') MB memory, $(lscpu | sed -nE 's/^Model name: *//p' | head -n 1)"
  later=$([ -f "$L" ] && echo " + $(($(wc -l <"$L") - 1))")
  echo "Data: SYNTHETIC BACI-shaped ($ROWS rows; T4 $HALF$later rows), seed $SEED; $RUNS runs per task, medians; load average at start $(load_now)"
  echo
  echo "| task | tool | wall s | CPU s | peak MB | tradescope/peer (wall) | answer |"
  echo "|---|---|---:|---:|---:|---:|---|"
} >"$RESULTS"
printf '%-4s %-10s %8s %8s %9s %22s  %s\n' task tool "wall s" "CPU s" "peak MB" "tradescope/peer (wall)" answer
for task in $TASKS; do
  TS_WALL=nan
  for tool in "${present[@]}"; do
    measure "$tool" "$task"
    [ "$STATUS" = n/a ] && continue
    [ "$tool" = tradescope ] && TS_WALL=$WALL
    ratio=$(awk -v a="$TS_WALL" -v b="$WALL" 'BEGIN {
      if (a == "nan" || b == "nan" || b == 0) print "-"
      else if (a <= b) printf "%.3f (%.1fx faster)", a / b, b / a
      else printf "%.3f (%.1fx slower)", a / b, a / b }')
    [ "$tool" = tradescope ] && ratio=-
    printf '%-4s %-10s %8s %8.2f %9.0f %22s  %s\n' "$task" "$tool" "$WALL" "$CPU" "$MEM" "$ratio" "$STATUS" 2>/dev/null ||
      printf '%-4s %-10s %8s %8s %9s %22s  %s\n' "$task" "$tool" "$WALL" "$CPU" "$MEM" "$ratio" "$STATUS"
    awk -v t="$task" -v n="$tool" -v w="$WALL" -v c="$CPU" -v m="$MEM" -v r="$ratio" -v s="$STATUS" \
      'BEGIN { if (w == "nan") printf "| %s | %s | - | - | - | %s | %s |\n", t, n, r, s
               else printf "| %s | %s | %.2f | %.2f | %.0f | %s | %s |\n", t, n, w, c, m, r, s }' \
      >>"$RESULTS"
  done
done
echo >>"$RESULTS"
echo "Load average at the end: $(load_now)" >>"$RESULTS"
[ ${#missing[@]} -gt 0 ] && echo "Peers not installed: ${missing[*]}" >>"$RESULTS"
echo "bench: results in $RESULTS"
