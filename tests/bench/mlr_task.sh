#!/usr/bin/env bash
# mlr_task.sh — the benchmark tasks in Miller (mlr).  Miller keeps no
# database, so there is no T5.
#   mlr_task.sh T1|T2|T3 FILE | T4 EARLIER LATER
set -eu
task=$1 a=$2 b=${3:-}
out() { mlr --icsv --otsv --headerless-tsv-output "$@"; }
case $task in
  T1) mlr --icsv --onidx count "$a" ;;
  T2) out stats1 -a sum -f v -g i then sort -nr v_sum then head -n 10 \
        then put '$v_sum = fmtnum($v_sum, "%.3f")' "$a" ;;
  T3) out filter '$i == 704 && $j == 643' then put '$c = substr0(string($k), 0, 1)' \
        then stats1 -a sum -f v -g c then sort -nr v_sum then head -n 10 \
        then put '$v_sum = fmtnum($v_sum, "%.3f")' "$a" ;;
  T4) tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
      mlr --icsv --ocsv stats1 -a sum -f v -g i,j then rename v_sum,base "$a" >"$tmp/e.csv"
      mlr --icsv --ocsv stats1 -a sum -f v -g i,j "$b" >"$tmp/l.csv"
      out join -j i,j -f "$tmp/e.csv" then put '$d = $v_sum - $base; $g = $d / $base * 100' \
        then sort -nr d then head -n 10 \
        then put '$v_sum = fmtnum($v_sum, "%.3f"); $base = fmtnum($base, "%.3f");
                  $d = fmtnum($d, "%.3f"); $g = fmtnum($g, "%.4f")' \
        then cut -o -f i,j,v_sum,base,d,g "$tmp/l.csv" ;;
  *) echo "mlr: no task $task" >&2; exit 2 ;;
esac
