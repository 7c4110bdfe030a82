-- tradescope.bulk_indicators — the trade indicators of lua/indicators.lua
-- (WITS definitions, formulas in core/indicators.h) over bulk datasets:
--   ds:shares("exporter")            each exporter's share of the total
--   ds:hhi("importer"), ds:concentration("product")
--   ds:rca(704, "chapter")           Viet Nam's revealed comparative advantage
--   ds:intensity(704, 643)           Viet Nam -> Russia trade intensity
--   ct:mirror()                      Comtrade: exports against partners' imports
-- The sums run in C (ds:group); the few resulting numbers are combined
-- here, and results come back as datasets that print, sort and feed reports.
local core = require "tradescope.bulkcore"
local ind = require "tradescope.indicators"

local M = {}

--- {key = value} and the keys in group order of ds's `col` summed by `by`
--- (also indicators.values over a bulk dataset).
function M.totals(ds, by, col)
  local out, order = {}, {}
  for _, row in ds:group{by}:sum(col):rows() do
    local k = row[by]
    if k ~= nil and row[col] then
      out[k] = row[col]
      order[#order + 1] = k
    end
  end
  return out, order
end

local function key_type(ds, by)
  for _, c in ipairs(ds:columns()) do
    if c.name == by then return c.type end
  end
  return "string" -- chapter, heading: prefixes of product codes
end

-- A result dataset of `columns` ({name, type, values}) sharing ds's metadata.
local function result(ds, columns, n, measure)
  return core.from_columns(columns, n, measure, ds:meta())
end

local function check_by(by, fname)
  if type(by) ~= "string" then
    error(string.format("%s: expected the column to group by (e.g. 'exporter', 'chapter')", fname), 3)
  end
end

--- ds:shares(by [, col]): each group's value and its share of the total (0..1).
function M.shares(ds, by, col)
  check_by(by, "shares")
  col = col or "value"
  local t, order = M.totals(ds, by, col)
  local sum = 0
  for _, k in ipairs(order) do sum = sum + t[k] end
  local keys, values, shares = {}, {}, {}
  for i, k in ipairs(order) do
    keys[i], values[i], shares[i] = k, t[k], sum > 0 and ind.share(t[k], sum) or nil
  end
  return result(ds, {{name = by, type = key_type(ds, by), values = keys},
    {name = col, type = "double", values = values},
    {name = "share", type = "double", values = shares}}, #order, col)
end

--- ds:hhi(by): the Herfindahl–Hirschman index of the values summed by `by`.
function M.hhi(ds, by)
  check_by(by, "hhi")
  return ind.hhi((M.totals(ds, by, "value")))
end

--- ds:concentration(by): HHI, normalised HHI, parts, the largest part and its share.
function M.concentration(ds, by)
  check_by(by, "concentration")
  local key_text, named = require("tradescope.bulk").key_text, {}
  for k, v in pairs((M.totals(ds, by, "value"))) do named[key_text(ds, by, k)] = v end
  return ind.concentration(named)
end

local function one_code(ds, column, code, fname)
  local rows = ds:filter{[column] = code}
  if #rows == 0 then
    error(string.format("%s: no rows with %s %s", fname, column, tostring(code)), 3)
  end
  return rows
end

--- ds:rca(exporter, by): for each group (chapter, product...), the exporter's
--- exports, the world's, and the Balassa index (x_ij / X_i) / (x_wj / X_w).
function M.rca(ds, exporter, by)
  check_by(by, "rca")
  local mine = one_code(ds, "exporter", exporter, "rca")
  local x, order = M.totals(mine, by, "value")
  local w = M.totals(ds, by, "value")
  local X_i, X_w = mine:sum("value"), ds:sum("value")
  local keys, values, world, rca = {}, {}, {}, {}
  for i, k in ipairs(order) do
    keys[i], values[i], world[i] = k, x[k], w[k]
    rca[i] = ind.rca(x[k], X_i, w[k], X_w)
  end
  return result(ds, {{name = by, type = key_type(ds, by), values = keys},
    {name = "value", type = "double", values = values},
    {name = "world", type = "double", values = world},
    {name = "rca", type = "double", values = rca}}, #order, "rca")
end

--- ds:intensity(exporter, importer): the trade intensity index
--- (x_ij / X_i) / (x_wj / X_w): above 1, i exports more to j than the world does.
function M.intensity(ds, exporter, importer)
  local mine = one_code(ds, "exporter", exporter, "intensity")
  local to_j = one_code(ds, "importer", importer, "intensity")
  return ind.intensity(mine:filter{importer = importer}:sum("value"), mine:sum("value"),
    to_j:sum("value"), ds:sum("value"))
end

--- ct:mirror(): Comtrade exports of i to j against the imports j reports from
--- i, per period: exports, mirror, gap = mirror - exports, ratio = mirror / exports.
function M.mirror(ds)
  local names = {}
  for _, c in ipairs(ds:columns()) do names[c.name] = true end
  if not (names.reporter and names.partner and names.flow and names.period) then
    error("mirror: needs Comtrade data (reporter, partner, flow, period); BACI reconciles "
      .. "both sides into one value already", 2)
  end
  local flows, exports = {}, {}
  for _, r in ds:group{"period", "reporter", "partner", "flow"}:sum("value"):rows() do
    flows[table.concat({r.period, r.reporter, r.partner, r.flow}, " ")] = r.value
    if r.flow == "X" and r.partner ~= 0 then exports[#exports + 1] = r end
  end
  local cols = {period = {}, exporter = {}, importer = {}, exports = {}, mirror = {}, gap = {}, ratio = {}}
  for n, r in ipairs(exports) do
    local ex, im = r.value, flows[table.concat({r.period, r.partner, r.reporter, "M"}, " ")]
    cols.period[n], cols.exporter[n], cols.importer[n] = r.period, r.reporter, r.partner
    cols.exports[n], cols.mirror[n] = ex, im
    cols.gap[n] = im and ex and im - ex or nil
    cols.ratio[n] = im and ex and ex ~= 0 and im / ex or nil
  end
  local n = #exports
  return result(ds, {{name = "period", type = "int32", values = cols.period},
    {name = "exporter", type = "int16", values = cols.exporter},
    {name = "importer", type = "int16", values = cols.importer},
    {name = "exports", type = "double", values = cols.exports},
    {name = "mirror", type = "double", values = cols.mirror},
    {name = "gap", type = "double", values = cols.gap},
    {name = "ratio", type = "double", values = cols.ratio}}, n, "gap")
end

M.HELP = {
  shares = "ds:shares(by [, col]): each group's value and share of the total",
  hhi = "ds:hhi(by): Herfindahl–Hirschman index of the values summed by a column",
  concentration = "ds:concentration(by): HHI, normalised HHI, parts, the largest and its share",
  rca = "ds:rca(exporter, by): the exporter's revealed comparative advantage per group (Balassa)",
  intensity = "ds:intensity(exporter, importer): the trade intensity index of i's exports to j",
  mirror = "ct:mirror(): Comtrade exports of i to j against j's reported imports from i, per period",
}

return M
