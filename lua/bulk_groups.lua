-- tradescope.bulk_groups — grouping bulk rows by area groupings:
--   ds:group{"importer", areas = {importer = {"X-EAEU", "X-VNNB"}}}:sum()
--   ds:group{"exporter", "chapter", areas = {exporter = {ASEAN = {"VNM", "THA"}}}}:sum()
-- The C group-by runs on the countries (every key as given); the few
-- resulting groups are then folded into the named areas here.  A country
-- in none of them goes to "(other)"; a country in two of them is refused,
-- so that sums never count a row twice.
local core = require "tradescope.bulkcore"

local OTHER = "(other)"

-- code -> label for one key column.  `spec` lists area codes (a country,
-- a grouping of the knowledge base such as X-EAEU) and label = {areas}.
local function labels_for(col, spec, codes_of)
  if type(spec) ~= "table" then
    error(string.format("group: areas.%s must be a list of area codes or {label = {areas}}", col), 4)
  end
  local label_of, entries = {}, {}
  for k, v in pairs(spec) do
    if math.type(k) == "integer" then entries[#entries + 1] = {v, {v}}
    else entries[#entries + 1] = {k, type(v) == "table" and v or {v}} end
  end
  table.sort(entries, function(a, b) return tostring(a[1]) < tostring(b[1]) end)
  for _, e in ipairs(entries) do
    local label = tostring(e[1])
    for _, area in ipairs(e[2]) do
      local codes = codes_of(area)
      if #codes == 0 then error(string.format("group: areas.%s: unknown area '%s'", col, area), 4) end
      for _, code in ipairs(codes) do
        if label_of[code] and label_of[code] ~= label then
          error(string.format("group: areas.%s: '%s' and '%s' overlap (country code %d)", col,
            label_of[code], label, code), 4)
        end
        label_of[code] = label
      end
    end
  end
  return label_of
end

-- Accumulators of one group.
local function fold_row(acc, row, col)
  local v = col and row[col]
  acc.count = acc.count + (row.count or 0)
  if v then
    acc.sum = acc.sum + v
    acc.present = acc.present + row[col .. "_n"]
    local lo, hi = row[col .. "_min"], row[col .. "_max"]
    if lo and (acc.min == nil or lo < acc.min) then acc.min = lo end
    if hi and (acc.max == nil or hi > acc.max) then acc.max = hi end
  end
end

local function output_columns(keys, mapped, fine, col, aggs, groups)
  local types = {}
  for _, c in ipairs(fine:columns()) do types[c.name] = c.type end
  local cols = {}
  for i, k in ipairs(keys) do
    local values = {}
    for g, grp in ipairs(groups) do values[g] = grp.key[i] end
    cols[#cols + 1] = {name = k, type = mapped[k] and "string" or types[k], values = values}
  end
  local function add(name, fn)
    local values = {}
    for g, grp in ipairs(groups) do values[g] = fn(grp.acc) end
    cols[#cols + 1] = {name = name, type = "double", values = values}
  end
  for _, a in ipairs(aggs) do
    if a == "sum" then add(col, function(x) return x.present > 0 and x.sum or nil end)
    elseif a == "count" then add("count", function(x) return x.count end)
    elseif a == "mean" then add(col .. "_mean", function(x) return x.present > 0 and x.sum / x.present or nil end)
    elseif a == "min" then add(col .. "_min", function(x) return x.min end)
    elseif a == "max" then add(col .. "_max", function(x) return x.max end) end
  end
  return cols
end

local M = {}

--- The grouping of ds by keys, with key columns mapped through `areas`,
--- aggregated with `aggs` over column `col`.
function M.group(ds, keys, areas, col, aggs, codes_of)
  local mapped = {}
  for k, spec in pairs(areas) do
    local found = false
    for _, key in ipairs(keys) do found = found or key == k end
    if not found then error(string.format("group: areas.%s is not one of the keys", k), 3) end
    mapped[k] = labels_for(k, spec, codes_of)
  end
  local fine = ds:_group(keys, col, col and {"sum", "count", "n", "min", "max"} or {"count"})
  local groups, index = {}, {}
  for _, row in fine:rows() do
    local key, parts = {}, {}
    for i, k in ipairs(keys) do
      local v = row[k]
      if mapped[k] then v = (v ~= nil and mapped[k][v]) or OTHER end
      key[i], parts[i] = v, tostring(v)
    end
    local id = table.concat(parts, "\0")
    local g = index[id]
    if not g then
      g = {key = key, acc = {count = 0, sum = 0, present = 0}}
      groups[#groups + 1], index[id] = g, g
    end
    fold_row(g.acc, row, col)
  end
  table.sort(groups, function(a, b)
    for i = 1, #keys do
      local x, y = a.key[i], b.key[i]
      if x ~= y then
        if x == nil or y == nil then return y == nil end
        if type(x) ~= type(y) then return type(x) < type(y) end
        return x < y
      end
    end
    return false
  end)
  local cols = output_columns(keys, mapped, fine, col, aggs, groups)
  local measure = col and (aggs[1] == "count" and "count" or cols[#keys + 1].name) or "count"
  return core.from_columns(cols, #groups, measure, ds:meta())
end

return M
