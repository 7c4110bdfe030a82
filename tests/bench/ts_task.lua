-- ts_task.lua — the benchmark tasks in tradescope (see run.sh).
--   tradescope tests/bench/ts_task.lua T1|T2|T3 FILE
--   tradescope tests/bench/ts_task.lua T4 EARLIER_FILE LATER_FILE
--   tradescope tests/bench/ts_task.lua T5 SNAPSHOT
--   tradescope tests/bench/ts_task.lua SAVE FILE SNAPSHOT   (prepares T5, not timed)
-- T1 and SAVE import every column.  T2-T4 query the CSV as DuckDB's
-- read_csv does: trade.scan_baci groups while reading, a block at a time,
-- converting only the columns (and for T3 the rows) the query needs; every
-- field of every row is still checked.
local task, a, b = arg[1], arg[2], arg[3]
local function quiet(opts)
  opts = opts or {}
  opts.progress = false
  return opts
end
local function load(path) return trade.import_baci(path, quiet()) end
local function scan(path, opts) return trade.scan_baci(path, quiet(opts)) end
local function f3(x) return string.format("%.3f", x) end

local function top_exporters(data) -- a dataset or a scan
  for _, r in data:group{"exporter"}:sum("value"):top(10):rows() do
    print(r.exporter .. "\t" .. f3(r.value))
  end
end

if task == "T1" then
  print(#load(a))
elseif task == "T2" then
  top_exporters(scan(a))
elseif task == "T3" then
  local s = scan(a, {where = {exporter = 704, importer = 643}})
  for _, r in s:group{"chapter"}:sum("value"):top(10):rows() do
    print(r.chapter .. "\t" .. f3(r.value))
  end
elseif task == "T4" then
  local pairs_of = function(path) return scan(path):group{"exporter", "importer"}:sum("value") end
  local j = pairs_of(b):join(pairs_of(a), {on = {"exporter", "importer"}})
  for _, r in j:top(10, "change"):rows() do
    print(string.format("%d\t%d\t%.3f\t%.3f\t%.3f\t%.4f", r.exporter, r.importer, r.value, r.base,
      r.change, r.growth * 100))
  end
elseif task == "T5" then
  top_exporters(trade.open(a))
elseif task == "SAVE" then
  load(a):save(b)
else
  error("unknown task " .. tostring(task))
end
