-- compare.lua — comparisons on the bundled data: Russia's Far East within
-- Vietnam–Russia trade, two sources on the same 2024 series, two periods,
-- two partners, ranks by monthly pace, and what needs bulk data (balance,
-- mirror gaps, indicators).
--   tradescope scripts/compare.lua
local G = require "tradescope.growth"

local function heading(s)
  print("\n" .. s)
  print(string.rep("=", utf8.len(s)))
end

local vn_ru_2023 = trade.get "t-vnru-2023m01-07"
local far_east = trade.get "t-vnrufe-2023h1"
local vn_ru_2024 = trade.get "t-vnru-2024m01-09"
local border_gates = trade.get "t-vnnb-rbg-2024m01-02"

-- ---- 1. a region within the whole -------------------------------------------------------

heading("Russia's Far East in Vietnam–Russia trade, 2023")
print(compare.side_by_side(vn_ru_2023, far_east, {"Vietnam–Russia", "Far East"}))
local share, how = compare.share(far_east, vn_ru_2023)
print(string.format("\nFar East share: %s (%s)", G.percent(share):gsub("^%+", ""), how))
print()
print(compare.shares({["Russia's Far East"] = growth.monthly_average(far_east)},
  growth.monthly_average(vn_ru_2023)))
print("(shares of Vietnam–Russia turnover per month; the rest of Russia is what remains)")

-- ---- 2. two sources ------------------------------------------------------------------------

heading("Two sources on Vietnam–Russia trade in 2024: s001 against s002")
print(compare.sources(trade.find{reporter = "VNM", partner = "RUS", period = "2024"}, "s001", "s002"))

-- ---- 3. two periods -------------------------------------------------------------------------

heading("Two periods: Jan–Jul 2023 against Jan–Sep 2024")
print(compare.side_by_side(vn_ru_2023, vn_ru_2024, {"2023", "2024"}))

-- ---- 4. two partners -------------------------------------------------------------------------

heading("Two partners in early 2024: Russia against the road-border neighbours")
print(compare.side_by_side(border_gates, vn_ru_2024, {"China, Laos, Cambodia by road", "Russia"}))

-- ---- 5. ranks ---------------------------------------------------------------------------------

heading("Monthly pace of each series' latest figure, ranked")
local latest = {}
for _, row in trade.all():rows() do
  if row.value and G.kind(row.period) == "tradescope.period" then
    local key = compare.label(row)
    if not latest[key] or latest[key].period < row.period then latest[key] = row end
  end
end
local pace = {}
for key, row in pairs(latest) do
  pace[string.format("%s (%s)", key, tostring(row.period))] = growth.monthly_average(row)
end
print(compare.rank(pace))

-- ---- 6. what needs bulk data ---------------------------------------------------------------------

heading("Balance, mirror gaps and indicators")
print("Balance and turnover from exports and imports:")
print(compare.balance(trade.all()))
print("Mirror gap (i's exports to j against j's imports from i):")
print(compare.mirror(trade.all(), trade.all()))
print("The articles give turnover figures only; with bulk data loaded, compare.balance,")
print("compare.mirror and indicators.* (share, hhi, rca, intensity, concentration) apply to")
print("any result set, e.g. indicators.concentration(trade.find{reporter = \"VNM\", flow = \"export\"}, \"partner\").")
