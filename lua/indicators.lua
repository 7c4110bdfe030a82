--@global indicators
-- tradescope.indicators — trade indicators (WITS definitions, formulas in
-- core/indicators.h) over Lua arrays, {key = value} tables or result sets:
--   indicators.hhi{60, 30, 10}                          --> 0.46
--   indicators.rca({A = 60, B = 30}, {A = 1000, B = 3000}, 100, 10000)
--   indicators.concentration(trade.find{reporter = "VNM", flow = "export"}, "partner")
-- They become meaningful once bulk data (a reporter's exports by product or
-- partner, world totals) is loaded; on the bundled articles they are
-- arithmetic over whatever figures are given.
local core = require "tradescope.indcore"
local G = require "tradescope.growth"

local M = {}

local function is_resultset(x) return G.kind(x) == "tradescope.resultset" end

local function number_of(v, what)
  if type(v) == "number" then return v end
  if G.kind(v) == "tradescope.quantity" then return v.value end
  error(string.format("%s is a %s, not a number", what, G.kind(v) or type(v)), 4)
end

-- A bulk dataset summed by `by` in C: {key = value}.
local function bulk_values(ds, by)
  if type(by) ~= "string" then
    error("indicators: a bulk dataset needs the column to sum by (e.g. 'exporter', 'chapter')", 3)
  end
  return (require("tradescope.bulk_indicators").totals(ds, by, "value"))
end

--- indicators.values(rs[, by]): {key = value} of a result set, the rows'
--- values (a range's midpoint, a bound's bound) summed by column `by`
--- (default "partner"); rows without a value are left out.
function M.values(rs, by)
  if G.kind(rs) == "tradescope.bulk" then return bulk_values(rs, by) end
  by = by or "partner"
  local out, unit = {}, nil
  for _, row in rs:rows() do
    local v = row.value
    if v then
      local key = row:text(by) or "(none)"
      if unit == nil then unit = v:unit() or "" end
      if (v:unit() or "") ~= unit then
        error(string.format("indicators: %s is in %s, other rows in %s", row.id, v:unit() or "no unit", unit), 2)
      end
      out[key] = (out[key] or 0) + v.value
    end
  end
  return out
end

-- Keys (sorted) and numbers of an array, a keyed table or a result set.
local function split(t, by)
  if is_resultset(t) or G.kind(t) == "tradescope.bulk" then t = M.values(t, by) end
  if type(t) ~= "table" then error("indicators: expected a table or a result set, got " .. type(t), 3) end
  local keys, values = {}, {}
  if #t > 0 then
    for i = 1, #t do keys[i] = i; values[i] = number_of(t[i], "value " .. i) end
    return keys, values, true
  end
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for i, k in ipairs(keys) do values[i] = number_of(t[k], "value '" .. tostring(k) .. "'") end
  return keys, values, false
end

local function join(keys, values)
  local out = {}
  for i, k in ipairs(keys) do out[k] = values[i] end
  return out
end

--- indicators.share(part, total): part / total (quantities: a quantity).
function M.share(part, total)
  if G.kind(part) == "tradescope.quantity" or G.kind(total) == "tradescope.quantity" then
    return quantity(part) / quantity(total)
  end
  return core.share(part, total)
end

--- indicators.shares(t[, by]): each value's share of their sum, shaped as t.
function M.shares(t, by)
  local keys, values = split(t, by)
  return join(keys, core.shares(values))
end

--- indicators.hhi(t[, by]): sum of squared shares.
function M.hhi(t, by)
  local _, values = split(t, by)
  return core.hhi(values)
end

--- indicators.hhi_normalised(t[, by]): (HH - 1/N) / (1 - 1/N); nil and why for one part.
function M.hhi_normalised(t, by)
  local _, values = split(t, by)
  local ok, v = pcall(core.hhi_normalised, values)
  if ok then return v end
  if tostring(v):find("only one part", 1, true) then
    return nil, "one part only: the normalised index has no value (as in WITS)"
  end
  error(v, 2)
end

-- (a / A) / (b / B) for four numbers, or (country[k] / country total) /
-- (world[k] / world total) for every key k of two tables (totals default
-- to the tables' sums; a key missing from `country` counts as 0).
local function ratio_of_shares(name, f, a, A, b, B)
  if type(a) ~= "table" then
    return f(number_of(a, name .. " argument 1"), number_of(A, name .. " argument 2"),
      number_of(b, name .. " argument 3"), number_of(B, name .. " argument 4"))
  end
  local country, world = a, A
  if type(world) ~= "table" then
    error(name .. ": the second argument must be the table of world figures", 3)
  end
  for k in pairs(country) do
    if world[k] == nil then error(string.format("%s: '%s' has no world figure", name, tostring(k)), 3) end
  end
  local keys, wvalues = split(world)
  local cvalues = {}
  for i, k in ipairs(keys) do
    cvalues[i] = country[k] ~= nil and number_of(country[k], name .. " '" .. tostring(k) .. "'") or 0
  end
  local ctotal = b and number_of(b, name .. " country total") or core.sum(cvalues)
  local wtotal = B and number_of(B, name .. " world total") or core.sum(wvalues)
  return join(keys, core.rca_each(cvalues, wvalues, ctotal, wtotal))
end

--- indicators.rca(x_ij, X_i, x_wj, X_w) or indicators.rca(country, world[, X_i, X_w]):
--- Balassa's revealed comparative advantage, per product for tables keyed by product.
function M.rca(...) return ratio_of_shares("rca", core.rca, ...) end

--- indicators.intensity(x_ij, X_i, x_wj, X_w) or indicators.intensity(exports_to, world_exports_to[, X_i, X_w]):
--- trade intensity index, per partner for tables keyed by partner.
function M.intensity(...) return ratio_of_shares("intensity", core.intensity, ...) end

local Concentration = {__name = "tradescope.concentration"}
Concentration.__index = Concentration

function Concentration.__tostring(c)
  local norm = c.normalised and string.format("%.4f", c.normalised) or "no value (one part)"
  return string.format("HHI %.4f, normalised %s, over %d part%s; largest: %s, %.1f %%", c.hhi, norm,
    c.parts, c.parts == 1 and "" or "s", tostring(c.top), c.top_share * 100)
end

--- indicators.concentration(t[, by]): {hhi, normalised, parts, top, top_share} of the
--- exports by product or by market (the largest part's key in `top`).
function M.concentration(t, by)
  local keys, values = split(t, by)
  local c = core.concentration(values)
  c.top = keys[c.top]
  return setmetatable(c, Concentration)
end

local HELP = {
  values = "indicators.values(rs[, by]): {key = value} of a result set summed by column by (default partner)",
  share = "indicators.share(part, total): the part's share of the total (market share)",
  shares = "indicators.shares(t[, by]): each value's share of their sum, keyed as t",
  hhi = "indicators.hhi(t[, by]): Herfindahl–Hirschman index, the sum of squared shares (1/N..1)",
  hhi_normalised = "indicators.hhi_normalised(t[, by]): (HHI - 1/N) / (1 - 1/N), 0..1; nil for one part",
  rca = "indicators.rca(x_ij, X_i, x_wj, X_w) or (country, world[, X_i, X_w]): revealed comparative advantage",
  intensity = "indicators.intensity(x_ij, X_i, x_wj, X_w) or (to_partners, world_to_partners[, X_i, X_w]): trade intensity",
  concentration = "indicators.concentration(t[, by]): HHI, normalised HHI, parts, largest part and its share",
}
for name, text in pairs(HELP) do tradescope.sethelp(M[name], text) end
tradescope.addmodule("indicators", "trade indicators (WITS): shares, HHI, RCA, trade intensity, concentration")

return M
