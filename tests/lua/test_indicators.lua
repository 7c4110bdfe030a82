-- indicators: WITS trade indicators over arrays, keyed tables and result
-- sets, on a small table computed by hand:
--     product   country i   world
--     A              60      1,000
--     B              30      3,000
--     C              10      6,000
--     total         100     10,000
local A = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/assert.lua")

local T = {}
local COUNTRY = {A = 60, B = 30, C = 10}
local WORLD = {A = 1000, B = 3000, C = 6000}

function T.shares()
  A.eq(indicators.share(25, 200), 0.125, "25 / 200")
  local s = indicators.shares{60, 30, 10}
  A.near(s[1], 0.6, 1e-12, "60 / 100"); A.near(s[2], 0.3, 1e-12); A.near(s[3], 0.1, 1e-12)
  local k = indicators.shares(COUNTRY)
  A.near(k.A, 0.6, 1e-12); A.near(k.C, 0.1, 1e-12, "keyed as the input")
  local q = indicators.share(quantity "150-160 million USD", quantity "1.9 billion USD")
  A.eq(q:qualifier(), "range")
  A.near(q:low(), 0.0789473684210526, 1e-12, "150 / 1900")
  A.near(q:high(), 0.0842105263157895, 1e-12, "160 / 1900")
end

function T.herfindahl()
  A.near(indicators.hhi{60, 30, 10}, 0.46, 1e-12, "0.36 + 0.09 + 0.01")
  A.near(indicators.hhi(COUNTRY), 0.46, 1e-12, "keyed")
  A.near(indicators.hhi_normalised(COUNTRY), 0.19, 1e-12, "(0.46 - 1/3) / (1 - 1/3)")
  A.near(indicators.hhi_normalised{25, 25, 25, 25}, 0, 1e-12, "equal parts")
  local v, why = indicators.hhi_normalised{0, 7}
  A.eq(v, nil, "one part: no value")
  A.eq(why, "one part only: the normalised index has no value (as in WITS)")
  A.errors(function() return indicators.hhi{1, -1} end, "hhi: value 2 is -1; trade values must be finite and not negative")
  A.errors(function() return indicators.hhi{"x"} end, "value 1 is a string, not a number")
  A.errors(function() return indicators.hhi{} end, "hhi: no values")
end

function T.revealed_comparative_advantage()
  A.near(indicators.rca(60, 100, 1000, 10000), 6, 1e-12, "(60/100) / (1000/10000)")
  local r = indicators.rca(COUNTRY, WORLD)
  A.near(r.A, 6, 1e-12, "0.6 / 0.1")
  A.near(r.B, 1, 1e-12, "0.3 / 0.3")
  A.near(r.C, 0.166666666666667, 1e-12, "0.1 / 0.6")
  local wide = indicators.rca(COUNTRY, WORLD, 200, 20000)
  A.near(wide.A, 6, 1e-12, "(60/200) / (1000/20000)")
  local partial = indicators.rca({A = 60}, WORLD, 100, 10000)
  A.eq(partial.B, 0, "a product the country does not export")
  A.errors(function() return indicators.rca({D = 5}, WORLD) end, "rca: 'D' has no world figure")
  A.errors(function() return indicators.rca(1, 100, 0, 10000) end,
    "rca: world exports of the product must be above zero, got 0")
end

function T.trade_intensity()
  A.near(indicators.intensity(3, 400, 300, 24000), 0.6, 1e-12, "(3/400) / (300/24000) = 0.0075 / 0.0125")
  local t = indicators.intensity({RUS = 3, CHN = 20}, {RUS = 300, CHN = 300}, 400, 24000)
  A.near(t.RUS, 0.6, 1e-12)
  A.near(t.CHN, 4, 1e-12, "(20/400) / (300/24000) = 0.05 / 0.0125")
end

function T.concentration()
  local c = indicators.concentration(COUNTRY)
  A.near(c.hhi, 0.46, 1e-12); A.near(c.normalised, 0.19, 1e-12)
  A.eq(c.parts, 3); A.eq(c.top, "A"); A.near(c.top_share, 0.6, 1e-12)
  A.eq(tostring(c), "HHI 0.4600, normalised 0.1900, over 3 parts; largest: A, 60.0 %")
  local one = indicators.concentration{x = 0, y = 7}
  A.eq(one.normalised, nil); A.eq(one.top, "y")
  A.eq(tostring(one), "HHI 1.0000, normalised no value (one part), over 1 part; largest: y, 100.0 %")
end

function T.result_sets()
  local v = indicators.values(trade.find{partner = "RUS"})
  -- 732e6 (2023-Q1) + 1.9e9 (Jan-Jul 2023) + 4.4e9 (Jan-Sep 2024) + 4.1e9 (Jan-Nov 2024)
  A.near(v.RUS, 11.132e9, 1e-12, "summed by partner")
  local by = indicators.values(trade.find{partner = {"RUS", "X-RUFE"}, period = "2023"}, "partner")
  A.near(by.RUS, 2.632e9, 1e-12, "732e6 + 1.9e9")
  A.near(by["X-RUFE"], 155e6, 1e-12, "the range's midpoint")
  -- shares 2632/2787 and 155/2787: HH = (2632^2 + 155^2) / 2787^2 = 6951449 / 7767369
  A.near(indicators.hhi(trade.find{partner = {"RUS", "X-RUFE"}, period = "2023"}, "partner"),
    0.894955421842325, 1e-12, "hhi of a result set")
end

return T
