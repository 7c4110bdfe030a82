#!/usr/bin/env bash
# snapshot_seeds.sh TRADESCOPE OUTDIR — writes the seed corpus of fuzz_snapshot
# into OUTDIR: snapshots saved by the tradescope binary given from small BACI
# and Comtrade CSVs, so that the seeds always have the format the core writes
# now (no binary seed is checked in).  Each seed is a different shape:
# empty, one row, strings and missing values, an int32 column, a result.
set -euo pipefail
ts=$1 out=$2
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf 't,i,j,k,v,q\n' >"$work/empty.csv"
printf 't,i,j,k,v,q\n2022,704,643,010121,12.5,0.75\n' >"$work/one.csv"
printf 't,i,j,k,v,q\n2021,704,643,010121,12.5,0.75\n2022,704,156,030111,3,NA\n2022,842,156,847130,100.25,\n2022,0,32767,"9999AA",0,1e3\n' >"$work/baci.csv"
{
  echo "freqCode,period,reporterCode,flowCode,partnerCode,partner2Code,motCode,customsCode,cmdCode,primaryValue,netWgt,isAggregate"
  echo "M,202301,704,X,643,0,0,C00,0101,7,,0"
  echo "M,202301,704,X,643,0,0,C00,010121,5,1.5,0"
  echo "M,202312,704,M,156,0,2100,C00,847130,9.25,,0"
  echo "A,2023,704,X,0,0,0,C00,010121,7,,0"
  echo "A,2023,704,X,643,0,0,C00,TOTAL,9,,1"
} >"$work/comtrade.csv"

"$ts" -e "
local d = '$work/'
local o = '$out/'
trade.import_baci(d .. 'empty.csv'):save(o .. 'baci-empty.tsb')
trade.import_baci(d .. 'one.csv'):save(o .. 'baci-one-row.tsb')
local b = trade.import_baci(d .. 'baci.csv', {threads = 1})
b:save(o .. 'baci.tsb')
b:filter{exporter = 704}:save(o .. 'baci-filtered.tsb')
b:group{'importer'}:sum():save(o .. 'result-group.tsb')
local detail, apart = trade.import_comtrade(d .. 'comtrade.csv')
detail:save(o .. 'comtrade-detail.tsb')
apart:save(o .. 'comtrade-apart.tsb')
"
