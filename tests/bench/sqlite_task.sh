#!/usr/bin/env bash
# sqlite_task.sh — the benchmark tasks in SQLite's sqlite3 shell.
#   sqlite_task.sh T1|T2|T3 FILE | T4 EARLIER LATER | T5 DBFILE | SAVE FILE DBFILE
set -eu
task=$1 a=$2 b=${3:-}
schema() { echo "CREATE TABLE $1(t INTEGER, i INTEGER, j INTEGER, k TEXT, v REAL, q REAL);"; }
load() { schema "$2"; printf '.mode csv\n.import --skip 1 %s %s\n.mode tabs\n' "$1" "$2"; }
T2_SQL="SELECT i, printf('%.3f', sum(v)) FROM t GROUP BY i ORDER BY sum(v) DESC LIMIT 10;"
case $task in
  T1) { load "$a" t; echo "SELECT count(*) FROM t;"; } | sqlite3 ;;
  T2) { load "$a" t; echo "$T2_SQL"; } | sqlite3 ;;
  T3) { load "$a" t; echo "SELECT substr(k, 1, 2) AS c, printf('%.3f', sum(v)) FROM t
          WHERE i = 704 AND j = 643 GROUP BY c ORDER BY sum(v) DESC LIMIT 10;"; } | sqlite3 ;;
  T4) { load "$a" e; load "$b" l
        echo "WITH se AS (SELECT i, j, sum(v) AS s FROM e GROUP BY i, j),
                   sl AS (SELECT i, j, sum(v) AS s FROM l GROUP BY i, j)
              SELECT sl.i, sl.j, printf('%.3f', sl.s), printf('%.3f', se.s), printf('%.3f', sl.s - se.s),
                     printf('%.4f', (sl.s - se.s) / se.s * 100)
              FROM sl JOIN se ON sl.i = se.i AND sl.j = se.j ORDER BY sl.s - se.s DESC LIMIT 10;"
      } | sqlite3 ;;
  T5) printf '.mode tabs\n%s\n' "$T2_SQL" | sqlite3 "$a" ;;
  SAVE) rm -f "$b"; load "$a" t | sqlite3 "$b" ;;
  *) echo "sqlite: no task $task" >&2; exit 2 ;;
esac
