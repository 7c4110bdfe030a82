-- tradescope.growth — the parts of the global `growth` (lua/l_growth.c) that
-- walk the dataset: year-on-year rates of rows and result sets, and the
-- anniversaries of rows' dates; plus the text forms (percentages) that
-- growth and compare print.  The formulas are in C
-- (core/growth.c), reached through tradescope.growthcore.
local core = require "tradescope.growthcore"
local TT = require "tradescope.texttable"

local M = {}

local function kind(v)
  local mt = getmetatable(v)
  return type(mt) == "table" and mt.__name or nil
end
M.kind = kind

-- ---- text forms ---------------------------------------------------------------

local function signed_percent(x)
  local s = string.format("%+.1f", x * 100):gsub("%.0$", "")
  if s == "-0" then s = "+0" end
  return s
end

--- A fraction as analysts write a change: "+24 %", "-15.7 %", "~+20 %",
--- "+20–28 %", "> +900 %"; a number or a quantity without unit.
function M.percent(x)
  if type(x) == "number" then return signed_percent(x) .. " %" end
  if kind(x) ~= "tradescope.quantity" then return tostring(x) end
  local q = x:qualifier()
  if q == "range" then
    return signed_percent(x:low()) .. "–" .. signed_percent(x:high()):gsub("^%+", "") .. " %"
  elseif q == "more_than" then
    return "> " .. signed_percent(x:low()) .. " %"
  elseif q == "less_than" then
    return "< " .. signed_percent(x:high()) .. " %"
  end
  return (q == "approx" and "~" or "") .. signed_percent(x.value) .. " %"
end

--- A number or quantity for a table cell: quantities in their human form,
--- large numbers grouped ("5,866,666,667"), small ones with 4 digits.
function M.show(v)
  if v == nil then return "" end
  if type(v) == "number" then
    if math.abs(v) >= 1000 then
      local s = string.format("%.0f", v)
      local sign, digits = s:match("^(-?)(%d+)$")
      return sign .. digits:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
    end
    return (string.format("%.4g", v))
  end
  return tostring(v)
end

-- A quantity that is an exact plain number becomes that number.
local function plain(q)
  if kind(q) == "tradescope.quantity" and q:qualifier() == "exact" and q:unit() == nil then
    return q.value
  end
  return q
end
M.plain = plain

local function rows_of(x, fname)
  local k = kind(x)
  if k == "tradescope.row" then return {x} end
  if k == "tradescope.resultset" then
    local list = {}
    for _, r in x:rows() do list[#list + 1] = r end
    return list
  end
  error(fname .. ": expected a row or a result set, got " .. (k or type(x)), 3)
end
M.rows_of = rows_of

-- ---- year on year ----------------------------------------------------------------

-- What makes two rows the same series, besides the period.
local SUBJECT = {
  trade = {"reporter", "partner", "via", "flow", "commodity"},
  tourism = {"origin", "destination"},
  routes = {"route", "metric"},
  other = {"subject", "area"},
}
M.SUBJECT = SUBJECT

local function subject_key(row, cols)
  local parts = {}
  for i, c in ipairs(cols) do parts[i] = row:text(c) or "" end
  return table.concat(parts, "|")
end
M.subject_key = subject_key

-- The figures the rows' own earlier figures may be: every row of the table
-- with a value in one of the rows' previous-year periods, by series and
-- period.  One query per distinct period, so a long series costs one pass.
local function earlier_index(rows, cols)
  local periods = {}
  for _, row in ipairs(rows) do
    if kind(row.period) == "tradescope.period" then periods[tostring(row.period:previous_year())] = true end
  end
  local names = {}
  for p in pairs(periods) do names[#names + 1] = p end
  table.sort(names)
  local index = {}
  if #rows == 0 then return index end
  local kb = require("tradescope.kb").get()
  for _, p in ipairs(names) do
    for _, r in kb:find(rows[1].table, {period = p}):rows() do
      if r.value and tostring(r.period) == p then
        local key = subject_key(r, cols) .. "@" .. p
        index[key] = index[key] or {}
        table.insert(index[key], r)
      end
    end
  end
  return index
end

-- The row's own earlier figure: same series, period exactly `prev`, with a
-- value; a figure from the row's own source is preferred.
local function earlier_figure(index, row, prev, cols)
  local found = index[subject_key(row, cols) .. "@" .. tostring(prev)]
  if not found then return nil end
  for _, r in ipairs(found) do
    if r.source == row.source then return r end
  end
  return found[1]
end

local function is_period(p) return kind(p) == "tradescope.period" end

-- The entry for one row, or nil and why there is none.
local function yoy_of(index, row, cols)
  local period = row.period
  if not is_period(period) then return nil, "no period" end
  local prev = period:previous_year()
  local value = row.value
  if value then
    local base = earlier_figure(index, row, prev, cols)
    if base then
      return {id = row.id, period = period, value = value, rate = plain(core.rate(value, base.value)),
              basis = prev, method = "computed", base = base.value, base_id = base.id,
              source = row.source}
    end
  end
  local change, basis = row.change, row.change_basis
  local why = value and string.format("no figure for %s in the data", tostring(prev))
    or "no value"
  if not change then
    if row:text("change_qualifier") == "direction_only" then
      return nil, why .. ", and the reported change gives a direction only"
    end
    return nil, why .. ", and no reported change"
  end
  if basis ~= prev then
    local against = is_period(basis) and tostring(basis) or "an unstated period"
    return nil, string.format("%s, and the reported change is against %s, not %s", why, against,
      tostring(prev))
  end
  return {id = row.id, period = period, value = value, rate = plain(change), basis = prev,
          method = "reported", source = row.source}
end

local Yoy = {__name = "tradescope.yoy"}
Yoy.__index = Yoy

function Yoy.__tostring(list)
  local lines = {}
  local computed = 0
  for i, e in ipairs(list) do
    lines[i] = {e.id, tostring(e.period), M.show(e.value), tostring(e.basis), M.show(e.base),
                M.percent(e.rate), e.method}
    if e.method == "computed" then computed = computed + 1 end
  end
  local out = {}
  if #list > 0 then
    out[1] = TT.render({"id", "period", "value", "basis", "base", "rate", "method"}, lines,
      {[3] = true, [5] = true, [6] = true})
  end
  out[#out + 1] = string.format("(%d %s: %d computed from the data, %d reported by the source)",
    #list, #list == 1 and "rate" or "rates", computed, #list - computed)
  for _, s in ipairs(list.skipped) do
    out[#out + 1] = string.format("no year-on-year rate for %s: %s", s.id, s.why)
  end
  return table.concat(out, "\n")
end

--- growth.yoy(row | result set): year-on-year rates.
function M.yoy(x)
  local rows = rows_of(x, "growth.yoy")
  local list = setmetatable({skipped = {}}, Yoy)
  if #rows == 0 then return list end
  local cols = SUBJECT[rows[1].table]
  if not cols then
    error(string.format("growth.yoy: rows of table '%s' have no year-on-year series (use %s)",
      rows[1].table, "trade, tourism, routes or other"), 2)
  end
  local index = earlier_index(rows, cols)
  for _, row in ipairs(rows) do
    local entry, why = yoy_of(index, row, cols)
    if entry then list[#list + 1] = entry
    else list.skipped[#list.skipped + 1] = {id = row.id, why = why} end
  end
  return list
end

-- ---- anniversaries -------------------------------------------------------------------

--- "1st", "2nd", "3rd", "11th", "75th".
function M.ordinal(n)
  local last2, last = n % 100, n % 10
  local suffix = "th"
  if last2 < 11 or last2 > 13 then
    suffix = ({[1] = "st", [2] = "nd", [3] = "rd"})[last] or "th"
  end
  return n .. suffix
end

local Anniversaries = {__name = "tradescope.anniversaries"}
Anniversaries.__index = Anniversaries

function Anniversaries.__tostring(list)
  local lines = {}
  for i, a in ipairs(list) do
    lines[i] = {tostring(a.on), M.ordinal(a.n), tostring(a.date), a.event or "", a.id, TT.clip(a.name or "", 60)}
  end
  return TT.render({"on", "anniversary", "of", "event", "id", "name"}, lines, {[2] = true})
    .. string.format("\n(%d %s)", #list, #list == 1 and "anniversary" or "anniversaries")
end

--- growth.anniversaries(rows, year | date): for each row with a date, its
--- anniversary in the year (or the latest by the date), in date order.
function M.anniversaries(x, when)
  local list = setmetatable({}, Anniversaries)
  for _, row in ipairs(rows_of(x, "growth.anniversaries")) do
    local d = row.date
    if kind(d) == "tradescope.date" then
      local n, on = core.anniversaries(d, when)
      if n then
        list[#list + 1] = {id = row.id, name = row.name or row.subject, event = row.event,
                           date = d, n = n, on = on}
      end
    end
  end
  table.sort(list, function(a, b)
    if a.on ~= b.on then return a.on < b.on end
    return a.id < b.id
  end)
  return list
end

return M
