-- growth.lua — growth calculations on the bundled data: the bases the
-- reported changes imply, compound growth, the growth a target needs,
-- annualised and monthly figures, year-on-year rates, and the anniversaries
-- and durations of the partnership's milestones.
--   tradescope scripts/growth.lua [--year YYYY] [--as-of YYYY-MM-DD]
-- Anniversaries are those falling in --year (default 2025); durations run to
-- --as-of (default 2025-01-31, the month of the newest articles).
local G = require "tradescope.growth"
local TT = require "tradescope.texttable"

local year, as_of = 2025, "2025-01-31"
local i = 1
while arg[i] do
  if arg[i] == "--year" and arg[i + 1] then year = math.tointeger(tonumber(arg[i + 1])); i = i + 2
  elseif arg[i] == "--as-of" and arg[i + 1] then as_of = arg[i + 1]; i = i + 2
  else io.stderr:write("usage: growth.lua [--year YYYY] [--as-of YYYY-MM-DD]\n"); os.exit(1) end
end
if not year then io.stderr:write("growth.lua: --year needs a year such as 2025\n"); os.exit(1) end
as_of = date(as_of)

local function heading(s)
  print("\n" .. s)
  print(string.rep("=", utf8.len(s)))
end

local function is_period(p) return G.kind(p) == "tradescope.period" end

-- Rows of the figure tables that carry a value, a numeric change, or both.
local function figures()
  local list = {}
  for _, t in ipairs({trade, tourism}) do
    for _, row in t.all():rows() do list[#list + 1] = row end
  end
  return list
end

-- ---- 1. implied bases -----------------------------------------------------------

heading("What the reported changes imply for the year before")
print("growth.base(value, change) = value / (1 + change); ranges and bounds carried through\n")
local lines = {}
for _, row in ipairs(figures()) do
  if row.value and row.change then
    local basis = row.change_basis
    lines[#lines + 1] = {row.id, tostring(row.period), G.show(row.value), G.percent(G.plain(row.change)),
      tostring(basis), G.show(growth.base(row))}
  end
end
print(TT.render({"id", "period", "value", "change", "against", "implied base"}, lines,
  {[3] = true, [4] = true, [6] = true}))
print(string.format("\ngrowth.base(1.9e9, -0.157) = %.0f (2.254 bn USD in Jan–Jul 2022)", growth.base(1.9e9, -0.157)))

-- ---- 2. compound growth --------------------------------------------------------------

heading("Compound annual growth")
local kaluga = trade.get "t-kluvnm-2020"
local base17 = growth.base(kaluga)
print(string.format("Kaluga–Vietnam trade %s in 2020, \"10-fold in three years\": %s in 2017", tostring(kaluga.value),
  tostring(base17)))
print(string.format("growth.cagr(31.5e6, 315e6, 3) = %.4f: %s a year, three years running",
  growth.cagr(31.5e6, 315e6, 3), G.percent(growth.cagr(31.5e6, 315e6, 3))))

-- ---- 3. the 10 bn target --------------------------------------------------------------

heading("Yearly growth needed for Vietnam–Russia trade to reach 10 bn USD")
local target = targets.get "tg-vnru-rail-10bn"
local s001, s002 = trade.get "t-vnru-2024m01-09", trade.get "t-vnru-2024m01-11"
local starts = {
  {"4.4 bn USD, Jan–Sep 2024 as stated (s001)", s001.value},
  {"the same annualised (s001)", growth.annualise(s001)},
  {"4.1 bn USD Jan–Nov 2024 annualised (s002)", growth.annualise(s002)},
}
lines = {}
for n, s in ipairs(starts) do
  lines[n] = {s[1], tostring(s[2])}
  for _, years in ipairs({3, 5, 10}) do
    lines[n][#lines[n] + 1] = G.percent(G.plain(growth.needed(s[2], target.value, years)))
  end
end
print(TT.render({"from", "level", "in 3 years", "in 5 years", "in 10 years"}, lines,
  {[2] = true, [3] = true, [4] = true, [5] = true}))
print(string.format("target %s per year (%s): the article gives no year (\"in the near future\")",
  tostring(target.value), target.id))
print(string.format("growth.needed(4.4e9, 10e9, 5) = %.4f", growth.needed(4.4e9, 10e9, 5)))

-- ---- 4. annualised and monthly ------------------------------------------------------------

heading("Monthly averages and annualised estimates of part-year figures")
lines = {}
for _, t in ipairs({trade, tourism, routes}) do
  for _, row in t.all():rows() do
    if row.value and is_period(row.period) and row.period:months() < 12 then
      lines[#lines + 1] = {row.id, tostring(row.period), tostring(row.period:months()), G.show(row.value),
        G.show(growth.monthly_average(row)), G.show(growth.annualise(row))}
    end
  end
end
print(TT.render({"id", "period", "months", "value", "per month", "annualised (estimate)"}, lines,
  {[3] = true, [4] = true, [5] = true, [6] = true}))
print("annualised = value x 12 / months: the same monthly pace all year, seasonality ignored")

-- ---- 5. year on year ---------------------------------------------------------------------------

heading("Year-on-year growth")
print(growth.yoy(trade.all()))
print()
print(growth.yoy(tourism.all()))

-- ---- 6. milestones ------------------------------------------------------------------------------

local milestones = agreements.find{kind = {"diplomatic_relations", "partnership", "fta"}}
heading(string.format("Anniversaries of the partnership's milestones in %d", year))
print(growth.anniversaries(milestones, year))

heading(string.format("How long ago, as of %s", tostring(as_of)))
lines = {}
for n, row in milestones:rows() do
  if row.event ~= "anniversary" then
    lines[#lines + 1] = {row.id, tostring(row.date), tostring(growth.duration(row, as_of)), TT.clip(row.name, 60)}
  end
end
print(TT.render({"id", "date", "duration", "name"}, lines))
