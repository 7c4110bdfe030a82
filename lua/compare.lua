--@global compare
-- tradescope.compare — comparisons analysts make between figures of the
-- dataset: two partners, regions, periods or sources side by side, shares
-- of a total, ranks, trade balance and turnover, the difference between
-- sources for the same figure, and the mirror gap.
--
-- Values may be numbers, quantities (ranges and bounds carried through by
-- quantity arithmetic), or dataset rows (their value; their period where a
-- comparison needs one).  Figures for periods of different lengths are
-- compared by their monthly averages, and the result says so.
local G = require "tradescope.growth"
local TT = require "tradescope.texttable"

local M = {}

local kind = G.kind
local function is_row(x) return kind(x) == "tradescope.row" end
local function is_rs(x) return kind(x) == "tradescope.resultset" end
local function is_q(x) return kind(x) == "tradescope.quantity" end
local function is_period(x) return kind(x) == "tradescope.period" end

local function text(row, col) return row:text(col) or "" end

--- compare.label(row): what a row measures, "VNM–RUS turnover", "RUS→VNM visitors".
function M.label(row)
  if row.table == "trade" then
    local r, p = row:text("reporter"), row:text("partner")
    local s = (r or p) and string.format("%s–%s %s", r or "?", p or "?", text(row, "flow"))
      or text(row, "flow") .. " (parties not stated)"
    if row:text("commodity") and row:text("commodity") ~= "TOTAL" then s = s .. " " .. row:text("commodity") end
    if row:text("via") then s = s .. " via " .. row:text("via") end
    return s
  elseif row.table == "tourism" then
    return string.format("%s→%s visitors", text(row, "origin"), text(row, "destination"))
  end
  return row:text("subject") or row:text("route") or row.id
end

-- The value of a number, quantity, quantity string or row.
local function value_of(x, what)
  if is_row(x) then
    local v = x.value
    if not v then error(string.format("%s: row '%s' has no value", what, x.id), 3) end
    return v
  end
  if type(x) == "string" then return quantity(x) end
  if type(x) == "number" or is_q(x) then return x end
  error(string.format("%s: expected a number, a quantity or a row, got %s", what, kind(x) or type(x)), 3)
end

-- The monthly average of a row's value, or nil when it has no value or period.
local function per_month(row)
  if row.value and is_period(row.period) then return growth.monthly_average(row) end
  return nil
end

-- a / b when both are given and their units allow it.
local function ratio(a, b)
  if a == nil or b == nil then return nil end
  local ok, r = pcall(function() return a / b end)
  return ok and G.plain(r) or nil
end

local function pct(x) return x ~= nil and G.percent(x):gsub("^%+", "") or "" end

-- ---- side by side ----------------------------------------------------------------

local Side = {__name = "tradescope.comparison"}
Side.__index = Side

function Side.__tostring(s)
  local lines = {}
  for i, e in ipairs(s) do
    lines[i] = {e.label, e.id, tostring(e.period or ""), tostring(e.months or ""), G.show(e.value),
                G.show(e.per_month), e.change and G.percent(G.plain(e.change)) or "",
                tostring(e.basis or ""), e.source or ""}
  end
  local out = {TT.render({"", "id", "period", "months", "value", "per month", "change", "basis", "source"},
    lines, {[4] = true, [5] = true, [6] = true, [7] = true})}
  if s.ratio then
    out[#out + 1] = string.format("per month, %s is %s of %s%s", s[2].label, pct(s.ratio), s[1].label,
      s.same_period and "" or " (periods differ: compared by monthly average)")
  end
  return table.concat(out, "\n")
end

local function entry_of(row, label)
  return {label = label or M.label(row), id = row.id, period = is_period(row.period) and row.period or nil,
          months = is_period(row.period) and row.period:months() or nil, value = row.value,
          per_month = per_month(row), change = row.change, basis = row.change_basis, source = row.source}
end

--- compare.side_by_side(a, b[, labels]): rows (or every row of result sets) a
--- and b in one table with monthly averages; for two rows, b per month as a
--- fraction of a per month.
function M.side_by_side(a, b, labels)
  labels = labels or {}
  local s = setmetatable({}, Side)
  for i, x in ipairs({a, b}) do
    for _, row in ipairs(G.rows_of(x, "compare.side_by_side")) do s[#s + 1] = entry_of(row, labels[i]) end
  end
  if #s == 2 then
    s.same_period = s[1].period ~= nil and s[1].period == s[2].period
    s.ratio = s.same_period and ratio(s[2].value, s[1].value) or ratio(s[2].per_month, s[1].per_month)
  end
  return s
end

--- compare.share(part, whole): part / whole, and how it was taken; rows of
--- different periods are compared by their monthly averages.
function M.share(part, whole)
  if is_row(part) and is_row(whole) and part.period ~= whole.period then
    local p, w = per_month(part), per_month(whole)
    if not (p and w) then error("compare.share: rows of different periods need a value and a period each", 2) end
    return G.plain(p / w), string.format("by monthly average: %s over %d months against %s over %d months",
      tostring(part.period), part.period:months(), tostring(whole.period), whole.period:months())
  end
  local p, w = value_of(part, "compare.share"), value_of(whole, "compare.share")
  if type(p) == "number" and type(w) == "number" then return indicators.share(p, w), "same period" end
  return G.plain(quantity(p) / quantity(w)), "same period"
end

-- ---- shares and ranks -------------------------------------------------------------

-- {key, value} pairs of a {key = value} table, a list of rows, or a result
-- set (each row by id, or summed by column `by`).
local function entries_of(x, by, what)
  local list = {}
  if is_rs(x) or (type(x) == "table" and is_row(x[1])) then
    local rows = is_rs(x) and G.rows_of(x, what) or x
    local index = {}
    for _, row in ipairs(rows) do
      if row.value then
        local key = by and (row:text(by) or "(none)") or row.id
        if index[key] then
          index[key].value = index[key].value + row.value
        else
          index[key] = {key = key, value = row.value}
          list[#list + 1] = index[key]
        end
      end
    end
    return list
  end
  if type(x) ~= "table" then error(what .. ": expected a table or a result set, got " .. (kind(x) or type(x)), 3) end
  for k, v in pairs(x) do list[#list + 1] = {key = k, value = value_of(v, what)} end
  table.sort(list, function(a, b) return tostring(a.key) < tostring(b.key) end)
  return list
end

local function representative(v) return type(v) == "number" and v or v.value end

local function by_size(list)
  table.sort(list, function(a, b)
    local x, y = representative(a.value), representative(b.value)
    if x ~= y then return x > y end
    return tostring(a.key) < tostring(b.key)
  end)
end

local Shares = {__name = "tradescope.shares"}
Shares.__index = Shares

function Shares.__tostring(s)
  local lines = {}
  for i, e in ipairs(s) do lines[i] = {e.key, G.show(e.value), pct(e.share)} end
  lines[#lines + 1] = {"total", G.show(s.total), "100 %"}
  return TT.render({"", "value", "share"}, lines, {[2] = true, [3] = true})
end

local function add(a, b) return a + b end

--- compare.shares(parts[, total][, by]): each part's share of the total (by
--- default their sum; when a larger total is given, the rest is listed as
--- "(rest)"), largest first.  parts: {key = value}, rows or a result set.
function M.shares(parts, total, by)
  if type(total) == "string" and not total:match("%d") then total, by = nil, total end
  local list = entries_of(parts, by, "compare.shares")
  if #list == 0 then error("compare.shares: no values", 2) end
  local sum = list[1].value
  for i = 2, #list do sum = add(sum, list[i].value) end
  if total ~= nil then
    total = value_of(total, "compare.shares")
    local rest = total - sum
    if representative(rest) > 0 then list[#list + 1] = {key = "(rest)", value = rest} end
  else
    total = sum
  end
  for _, e in ipairs(list) do
    if type(e.value) == "number" and type(total) == "number" then e.share = indicators.share(e.value, total)
    else e.share = G.plain(quantity(e.value) / quantity(total)) end
  end
  by_size(list)
  local s = setmetatable(list, Shares)
  s.total = total
  return s
end

local Ranks = {__name = "tradescope.ranks"}
Ranks.__index = Ranks

function Ranks.__tostring(r)
  local lines = {}
  for i, e in ipairs(r) do
    lines[i] = {tostring(e.rank) .. (e.uncertain and "?" or ""), e.key, G.show(e.value)}
  end
  local out = TT.render({"rank", "", "value"}, lines, {[1] = true, [3] = true})
  for _, e in ipairs(r) do
    if e.uncertain then
      return out .. "\n? the values' ranges overlap a neighbour's: the order is not certain"
    end
  end
  return out
end

--- compare.rank(values[, by]): largest first, equal values sharing a rank
--- (1, 2, 2, 4); `uncertain` when a range or bound overlaps a neighbour's.
function M.rank(values, by)
  local list = entries_of(values, by, "compare.rank")
  by_size(list)
  for i, e in ipairs(list) do
    local prev = list[i - 1]
    e.rank = (prev and representative(prev.value) == representative(e.value)) and prev.rank or i
    if prev and is_q(e.value) and is_q(prev.value) and quantity.compare(prev.value, e.value) == nil then
      e.uncertain, prev.uncertain = true, true
    end
  end
  return setmetatable(list, Ranks)
end

-- ---- balance and turnover --------------------------------------------------------------

local Balance = {__name = "tradescope.balance"}
Balance.__index = Balance

function Balance.__tostring(b)
  return string.format("%sexports %s, imports %s: balance %s, turnover %s, exports cover %s of imports",
    b.label and (b.label .. ": ") or "", G.show(b.exports), G.show(b.imports), G.show(b.balance),
    G.show(b.turnover), b.coverage and pct(b.coverage) or "(no imports)")
end

local function balance_of(x, m, label)
  local coverage = ratio(x, m)
  if type(x) == "number" and type(m) == "number" then coverage = m > 0 and x / m or nil end
  return setmetatable({label = label, exports = x, imports = m, balance = G.plain(x - m),
    turnover = G.plain(x + m), coverage = coverage}, Balance)
end

local Balances = {__name = "tradescope.balances"}
Balances.__index = Balances

function Balances.__tostring(list)
  if #list == 0 then return "(no period has both an export and an import figure for the same trade)" end
  local out = {}
  for i, b in ipairs(list) do out[i] = tostring(b) end
  return table.concat(out, "\n")
end

local function trade_key(row, reporter, partner)
  return table.concat({reporter, partner, text(row, "via"), text(row, "commodity"), tostring(row.period)}, "|")
end

--- compare.balance(exports, imports) or compare.balance(rs): balance
--- (exports - imports), turnover (exports + imports) and coverage (exports /
--- imports); for a result set, every export row paired with the import row
--- of the same reporter, partner, commodity and period.
function M.balance(x, m)
  if m == nil and is_rs(x) then
    local imports, list = {}, setmetatable({}, Balances)
    for _, row in x:rows() do
      if row:text("flow") == "import" and row.value then
        imports[trade_key(row, text(row, "reporter"), text(row, "partner"))] = row
      end
    end
    for _, row in x:rows() do
      local imp = row:text("flow") == "export" and row.value
        and imports[trade_key(row, text(row, "reporter"), text(row, "partner"))]
      if imp then
        list[#list + 1] = balance_of(row.value, imp.value, string.format("%s–%s %s",
          text(row, "reporter"), text(row, "partner"), tostring(row.period)))
      end
    end
    return list
  end
  if is_row(x) and is_row(m) and x.period ~= m.period then
    error(string.format("compare.balance: %s is for %s but %s for %s", x.id, tostring(x.period), m.id,
      tostring(m.period)), 2)
  end
  return balance_of(value_of(x, "compare.balance"), value_of(m, "compare.balance"))
end

-- ---- sources -------------------------------------------------------------------------

local SourcePairs = {__name = "tradescope.source_pairs"}
SourcePairs.__index = SourcePairs

local function implied_base(row)
  if not (row.value and row.change and is_period(row.change_basis)) then return "" end
  local ok, b = pcall(growth.base, row)
  return ok and string.format("%s in %s", G.show(b), tostring(row.change_basis)) or ""
end

local function pair_lines(p)
  local lines = {}
  for i, row in ipairs({p.a, p.b}) do
    lines[i] = {row.source, row.id, tostring(row.period or ""), G.show(row.value), G.show(per_month(row)),
                row.change and G.percent(G.plain(row.change)) or "", implied_base(row)}
  end
  local out = {p.label .. ": " .. p.a.source .. " against " .. p.b.source,
    TT.render({"source", "id", "period", "value", "per month", "change", "implied base"}, lines,
      {[4] = true, [5] = true, [6] = true})}
  for _, n in ipairs(p.notes) do out[#out + 1] = "  " .. n end
  return table.concat(out, "\n")
end

function SourcePairs.__tostring(list)
  if #list == 0 then return "(no figure is given by two sources)" end
  local out = {}
  for i, p in ipairs(list) do out[i] = pair_lines(p) end
  return table.concat(out, "\n\n")
end

-- What two sources' figures for one series say against each other.
local function notes_for(a, b)
  local notes = {}
  local pa, pb = a.period, b.period
  if pa == pb then
    notes[#notes + 1] = string.format("same period: %s minus %s = %s (%s)", a.source, b.source,
      G.show(G.plain(a.value - b.value)), G.percent(G.plain(a.value / b.value - 1)))
    return notes
  end
  local long, short = a, b
  if pa:contains(pb) then long, short = a, b elseif pb:contains(pa) then long, short = b, a end
  if long.period:contains(short.period) and long.period:start() == short.period:start()
      and quantity.compare(long.value, short.value) == -1 then
    notes[#notes + 1] = string.format("%s covers %d months and %s %d from the same month, yet the longer "
      .. "period's figure is smaller by %s: both cannot be true", long.id, long.period:months(), short.id,
      short.period:months(), G.show(G.plain(short.value - long.value)))
  end
  local r = ratio(per_month(b), per_month(a))
  if r then
    notes[#notes + 1] = string.format("per month, %s's figure is %s of %s's (periods differ: compared by "
      .. "monthly average)", b.source, pct(r), a.source)
  end
  return notes
end

--- compare.sources(rs[, source_a, source_b]): for every series given by two
--- sources (or by the two named) in overlapping periods: both figures side by
--- side with monthly averages and implied bases, their difference for the
--- same period, and whether they can both be true.
function M.sources(x, sa, sb)
  local rows = G.rows_of(x, "compare.sources")
  local list = setmetatable({}, SourcePairs)
  local cols = G.SUBJECT[rows[1] and rows[1].table] or {"id"}
  -- one bucket per series, in the order series first appear
  local buckets, order = {}, {}
  for _, row in ipairs(rows) do
    if row.value and is_period(row.period) then
      local key = G.subject_key(row, cols)
      if not buckets[key] then buckets[key] = {}; order[#order + 1] = key end
      table.insert(buckets[key], row)
    end
  end
  for _, key in ipairs(order) do
    local b = buckets[key]
    for i = 1, #b do
      for j = 1, #b do
        local r, s = b[i], b[j]
        local wanted
        if sa then wanted = r.source == sa and s.source == (sb or s.source) and s.source ~= sa
        else wanted = i < j and r.source ~= s.source end
        if wanted and r.period:overlaps(s.period) then
          list[#list + 1] = {label = M.label(r), a = r, b = s, notes = notes_for(r, s)}
        end
      end
    end
  end
  return list
end

-- ---- mirror statistics ----------------------------------------------------------------

local Mirror = {__name = "tradescope.mirror"}
Mirror.__index = Mirror

function Mirror.__tostring(m)
  return string.format("%sexports reported %s, mirror imports reported %s: gap %s, imports / exports %s",
    m.label and (m.label .. ": ") or "", G.show(m.exports), G.show(m.imports), G.show(m.gap),
    m.ratio and G.show(m.ratio) or "(no exports)")
end

local Mirrors = {__name = "tradescope.mirrors"}
Mirrors.__index = Mirrors

function Mirrors.__tostring(list)
  if #list == 0 then
    return "(no mirror pairs: they need i's exports to j and j's imports from i for the same period, as bulk data gives)"
  end
  local out = {}
  for i, m in ipairs(list) do out[i] = tostring(m) end
  return table.concat(out, "\n")
end

local function mirror_of(x, m, label)
  return setmetatable({label = label, exports = x, imports = m, gap = G.plain(m - x), ratio = ratio(m, x)}, Mirror)
end

--- compare.mirror(exports, imports) or compare.mirror(exports_rs, imports_rs):
--- i's reported exports to j against j's reported imports from i: the gap
--- (imports - exports) and the ratio imports / exports.  Imports are valued
--- CIF and exports FOB, so a ratio a few percent above 1 is normal; larger
--- gaps point at misreporting, re-exports or timing.  Meaningful once bulk
--- data holds both partners' declarations.
function M.mirror(x, m)
  if is_rs(x) or is_rs(m) then
    local list = setmetatable({}, Mirrors)
    local imports = {}
    for _, row in ipairs(G.rows_of(m, "compare.mirror")) do
      if row:text("flow") == "import" and row.value then
        imports[trade_key(row, text(row, "partner"), text(row, "reporter"))] = row
      end
    end
    for _, row in ipairs(G.rows_of(x, "compare.mirror")) do
      local imp = row:text("flow") == "export" and row.value
        and imports[trade_key(row, text(row, "reporter"), text(row, "partner"))]
      if imp then
        list[#list + 1] = mirror_of(row.value, imp.value, string.format("%s→%s %s", text(row, "reporter"),
          text(row, "partner"), tostring(row.period)))
      end
    end
    return list
  end
  return mirror_of(value_of(x, "compare.mirror"), value_of(m, "compare.mirror"))
end

local HELP = {
  label = "compare.label(row): what a row measures, \"VNM–RUS turnover\"",
  side_by_side = "compare.side_by_side(a, b[, labels]): rows or result sets in one table, with monthly averages and b/a",
  share = "compare.share(part, whole): part/whole and how it was taken (rows of different periods: per month)",
  shares = "compare.shares(parts[, total][, by]): each part's share of the total, largest first",
  rank = "compare.rank(values[, by]): ranks, largest first; equal values share a rank, overlapping ranges flagged",
  balance = "compare.balance(exports, imports) or (rs): balance, turnover and export coverage of imports",
  sources = "compare.sources(rs[, a, b]): the same series as two sources give it: difference, per month, implied bases",
  mirror = "compare.mirror(exports, imports) or (rs, rs): mirror gap imports - exports and ratio (needs bulk data)",
}
for name, help_text in pairs(HELP) do tradescope.sethelp(M[name], help_text) end
tradescope.addmodule("compare", "side by side, shares, ranks, balance, source differences, mirror gaps")

return M
