// duckdb_task.mjs — the benchmark tasks in DuckDB (npm @duckdb/node-api).
// run.sh copies this file beside build/bench/node_modules and runs
//   node duckdb_task.mjs T1|T2|T3 FILE | T4 EARLIER LATER | T5 DBFILE | SAVE FILE DBFILE
import { DuckDBInstance } from '@duckdb/node-api';

const [task, a, b] = process.argv.slice(2);
const csv = (path) => `read_csv('${path}', header = true, nullstr = 'NA', columns = {
  't': 'SMALLINT', 'i': 'SMALLINT', 'j': 'SMALLINT', 'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'DOUBLE'})`;

const db = await DuckDBInstance.create(task === 'T5' || task === 'SAVE' ? (task === 'T5' ? a : b) : ':memory:');
const con = await db.connect();
const rows = async (sql) => (await con.runAndReadAll(sql)).getRows();
const f3 = (x) => Number(x).toFixed(3);

if (task === 'T1') {
  await con.run(`CREATE TABLE t AS SELECT * FROM ${csv(a)}`);
  console.log(String((await rows('SELECT count(*) FROM t'))[0][0]));
} else if (task === 'T2' || task === 'T5') {
  const from = task === 'T2' ? csv(a) : 't';
  for (const [i, s] of await rows(`SELECT i, sum(v) AS s FROM ${from} GROUP BY i ORDER BY s DESC LIMIT 10`))
    console.log(`${i}\t${f3(s)}`);
} else if (task === 'T3') {
  for (const [c, s] of await rows(`SELECT substr(k, 1, 2) AS c, sum(v) AS s FROM ${csv(a)}
      WHERE i = 704 AND j = 643 GROUP BY c ORDER BY s DESC LIMIT 10`))
    console.log(`${c}\t${f3(s)}`);
} else if (task === 'T4') {
  const sql = `WITH e AS (SELECT i, j, sum(v) AS s FROM ${csv(a)} GROUP BY i, j),
                    l AS (SELECT i, j, sum(v) AS s FROM ${csv(b)} GROUP BY i, j)
    SELECT l.i, l.j, l.s, e.s, l.s - e.s AS d, (l.s - e.s) / e.s * 100
    FROM l JOIN e ON l.i = e.i AND l.j = e.j ORDER BY d DESC LIMIT 10`;
  for (const [i, j, v, base, d, g] of await rows(sql))
    console.log(`${i}\t${j}\t${f3(v)}\t${f3(base)}\t${f3(d)}\t${Number(g).toFixed(4)}`);
} else if (task === 'SAVE') {
  await con.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM ${csv(a)}`);
} else {
  throw new Error(`duckdb: no task ${task}`);
}
