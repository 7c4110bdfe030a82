-- growth: numbers in give numbers, quantities and rows give quantities;
-- year-on-year rates, durations and anniversaries on the bundled data.
-- Expected values are computed by hand in the comments beside them.
local A = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/assert.lua")

local T = {}

local function is_quantity(v) return getmetatable(v) and getmetatable(v).__name == "tradescope.quantity" end

-- Qualifier, unit and both ends of a quantity (nil for an open end).
local function q_is(q, qualifier, low, high, unit, what)
  A.truthy(is_quantity(q), (what or "result") .. " is a quantity")
  A.eq(q:qualifier(), qualifier, (what or "result") .. " qualifier")
  A.eq(q:unit(), unit, (what or "result") .. " unit")
  if low == nil then A.eq(q:low(), nil, "low end") else A.near(q:low(), low, 1e-12, "low end") end
  if high == nil then A.eq(q:high(), nil, "high end") else A.near(q:high(), high, 1e-12, "high end") end
end

-- Whether `text` has a line with these cells in order, however aligned.
local function has_cells(text, ...)
  local parts = {}
  for i, cell in ipairs({...}) do parts[i] = cell:gsub("%p", "%%%0") end
  return text:find(table.concat(parts, "%s+")) ~= nil
end

-- Runs f with rows added to the dataset, then reloads the bundled one.
local function with_rows(rows, f)
  for _, r in ipairs(rows) do dataset.add("trade", r) end
  local ok, err = pcall(f)
  dataset.load()
  if not ok then error(err, 0) end
end

local function trade_row(id, period, reporter, partner, flow, value, source, extra)
  local r = {id = id, period = period, reporter = reporter, partner = partner, flow = flow,
             commodity = "TOTAL", qualifier = "exact", value = value, unit = "USD",
             source = source or "s001", sentence = "test figure"}
  for k, v in pairs(extra or {}) do r[k] = v end
  return r
end

function T.numbers_give_numbers()
  A.near(growth.rate(124, 100), 0.24, 1e-12, "rate")                       -- (124 - 100) / 100
  A.eq(math.type(growth.rate(124, 100)), "float")
  A.near(growth.base(1.9e9, -0.157), 2253855278.76631, 1e-12, "base")      -- 1.9e9 / 0.843
  A.near(growth.cagr(31.5e6, 315e6, 3), 1.15443469003188, 1e-12, "cagr")   -- 10^(1/3) - 1
  A.near(growth.needed(4.4e9, 10e9, 5), 0.178445397847923, 1e-12, "needed") -- (10/4.4)^(1/5) - 1
  A.near(growth.annualise(4.4e9, 9), 5866666666.66667, 1e-12, "annualise") -- 4.4e9 * 12 / 9
  A.near(growth.annualize(4.4e9, 9), 5866666666.66667, 1e-12, "annualize")
  A.near(growth.annualise(4.4e9, "2024-01/2024-09"), 5866666666.66667, 1e-12, "months of a period")
  A.near(growth.monthly_average(4.4e9, period "2024-01/2024-09"), 488888888.888889, 1e-12, "4.4e9 / 9")
  A.near(growth.monthly_average(1.9e9, 7), 271428571.428571, 1e-12, "1.9e9 / 7")
end

function T.quantities_give_quantities()
  q_is(growth.base(quantity "more than 315 million USD", 9), "more_than", 31.5e6, nil, "USD",
    "base of a lower bound") -- 315e6 / (1 + 9)
  q_is(growth.rate("150-160 million USD", "125 million USD"), "range", 0.2, 0.28, nil,
    "rate of a range") -- 150/125 - 1 .. 160/125 - 1
  q_is(growth.monthly_average("150-160 million USD", "2023-H1"), "range", 25e6, 26666666.6666667, "USD",
    "monthly average of a range") -- 150e6/6 .. 160e6/6
  q_is(growth.annualise(quantity "4.4 billion USD", 9), "approx", 5866666666.66667, 5866666666.66667, "USD",
    "annualised figure is an estimate") -- 4.4e9 * 12 / 9
  q_is(growth.annualise(quantity "4.4 billion USD", 12), "exact", 4.4e9, 4.4e9, "USD", "a full year")
  q_is(growth.cagr(quantity "31.5 million USD", quantity "more than 315 million USD", 3), "more_than",
    1.15443469003188, nil, nil, "cagr to a lower bound") -- 10^(1/3) - 1
  q_is(growth.needed("4.4 billion USD", "10 billion USD", 5), "exact", 0.178445397847923, 0.178445397847923,
    nil, "needed")
  A.eq(tostring(growth.base(quantity "150-160 million USD", quantity "about 20%")), "125–133.333 M USD",
    "150/1.2 .. 160/1.2")
end

function T.rows_give_their_values()
  local jan_jul = trade.get "t-vnru-2023m01-07"
  q_is(growth.base(jan_jul), "exact", 2253855278.76631, 2253855278.76631, "USD", "base of a row") -- 1.9e9 / 0.843
  q_is(growth.annualise(trade.get "t-vnru-2024m01-09"), "approx", 5866666666.66667, 5866666666.66667, "USD",
    "annualised row, its period's 9 months")
  q_is(growth.monthly_average(trade.get "t-vnrufe-2023h1"), "range", 25e6, 26666666.6666667, "USD",
    "per month of 2023-H1")
  q_is(growth.rate(trade.get "t-vnru-2024m01-09", jan_jul), "exact", 1.31578947368421, 1.31578947368421, nil,
    "rate between rows") -- 4.4 / 1.9 - 1
  q_is(growth.base(trade.get "t-kluvnm-2020"), "more_than", 31.5e6, nil, "USD", "Kaluga 2017") -- 315e6 / 10
end

function T.errors_say_what_is_wrong()
  A.errors(function() return growth.rate(1, 0) end, "a growth rate needs an old value above zero, got 0")
  A.errors(function() return growth.rate("4.4 billion USD", "20,000 TEU") end, "units USD and TEU differ")
  A.errors(function() return growth.base(1, -1) end, "leaves no base")
  A.errors(function() return growth.base(trade.get "t-vnru-2023") end, "row 't-vnru-2023' has no value")
  A.errors(function() return growth.base(trade.get "t-agrifood-2024") end,
    "row 't-agrifood-2024' has no numeric reported change")
  A.errors(function() return growth.annualise(5) end, "the number of months or the period is missing")
  A.errors(function() return growth.annualise(5, 0) end, "a whole number of months, at least 1")
  A.errors(function() return growth.annualise(trade.get "t-vnnb-rbg-annual") end,
    "row 't-vnnb-rbg-annual' has no period")
  A.errors(function() return growth.cagr(1, 2) end, "number expected")
  A.errors(function() return growth.rate({}, 1) end, "quantity expected, got table")
end

function T.durations()
  local d = growth.duration("2015-05-29", "2025-01")
  A.eq(tostring(d), "9 years, 8 months", "2015-05 + 9 years = 2024-05, + 8 months = 2025-01")
  A.eq(d.years, 9); A.eq(d.months, 8); A.eq(d.days, nil, "no days at month precision")
  A.eq(d.precision, "month")
  A.eq(tostring(growth.duration(agreements.get "a-diplrel-1950", "2025-01-30")), "75 years")
  A.eq(tostring(growth.duration("2024-01-15", "2025-02-16")), "1 year, 1 month, 1 day")
  A.eq(tostring(growth.duration("2021-08-17", date "2025-01-31")), "3 years, 5 months, 14 days",
    "2024-08-17 + 5 months = 2025-01-17, + 14 days")
  A.eq(tostring(growth.duration("2001", "2025-01-30")), "24 years", "year precision")
  A.eq(tostring(growth.duration("2024-09", "2024-09")), "0 months")
  A.eq(getmetatable(d).__name, "tradescope.duration")
  A.errors(function() return growth.duration("2025", "2024") end, "ends before it starts")
  A.errors(function() return growth.duration(trade.get "t-vnru-2023q1", "2025") end,
    "row 't-vnru-2023q1' has no date")
end

function T.anniversaries_of_dates()
  local n, on = growth.anniversaries("1950-01-30", 2025)
  A.eq(n, 75, "2025 - 1950")
  A.eq(tostring(on), "2025-01-30")
  n, on = growth.anniversaries("2015-05-29", "2025-01-31")
  A.eq(n, 9, "the 10th falls on 2025-05-29, after the date")
  A.eq(tostring(on), "2024-05-29")
  n, on = growth.anniversaries("2020-02-29", 2023)
  A.eq(n, 3)
  A.eq(tostring(on), "2023-02-28", "29 February in a common year")
  A.eq(growth.anniversaries("2025-01-30", 2025), nil, "the event's own year has none")
  A.errors(function() return growth.anniversaries("1950-01-30", 20000) end, "year 20000 is not in 1000..9999")
end

function T.anniversaries_of_rows()
  local list = growth.anniversaries(agreements.find{kind = {"diplomatic_relations", "partnership", "fta"}}, 2025)
  -- year-precision dates sort first (2025 before 2025-01-30), then by date
  local want = {{"a-csp-2012", 13, "2025"}, {"a-sp-2001", 24, "2025"},
                {"a-diplrel-1950", 75, "2025-01-30"}, {"a-fta-eaeu-signed", 10, "2025-05-29"}}
  A.eq(#list, #want, "the two anniversary rows themselves (n = 0) are left out")
  for i, w in ipairs(want) do
    A.eq(list[i].id, w[1], "row " .. i)
    A.eq(list[i].n, w[2], w[1] .. " n")
    A.eq(tostring(list[i].on), w[3], w[1] .. " date")
  end
  local text = tostring(list)
  A.truthy(has_cells(text, "2025-05-29", "10th", "2015-05-29", "signed", "a-fta-eaeu-signed"),
    "printed as a table: " .. text)
  A.truthy(text:find("(4 anniversaries)", 1, true), "footer")
  local one = growth.anniversaries(agreements.get "a-fta-eaeu-signed", "2025-06-01")
  A.eq(one[1].n, 10)
end

function T.yoy_from_reported_changes()
  local list = growth.yoy(trade.get "t-vnru-2024m01-09")
  A.eq(#list, 1)
  local e = list[1]
  A.eq(e.id, "t-vnru-2024m01-09")
  A.eq(e.method, "reported")
  A.eq(e.rate, 0.24, "an exact rate is a plain number")
  A.eq(e.basis, period "2023-01/2023-09", "Jan–Sep against Jan–Sep")
  A.eq(e.period, period "2024-01/2024-09")
  local fe = growth.yoy(trade.get "t-vnrufe-2023h1")[1]
  q_is(fe.rate, "approx", 0.2, 0.2, nil, "about 20 % stays about")
  local all = growth.yoy(trade.find{partner = {"RUS", "VNM"}})
  local ids = {}
  for i, x in ipairs(all) do ids[i] = x.id end
  A.eq(table.concat(ids, " "), "t-vnru-2023q1 t-vnru-2023m01-07 t-vnru-2023 t-vnru-2024m01-09 t-vnru-2024m01-11")
  A.eq(#all.skipped, 2, "Kaluga's 3-year change and the transit row")
  A.eq(all.skipped[2].id, "t-kluvnm-2020")
  A.truthy(all.skipped[2].why:find("against 2017, not 2019", 1, true), all.skipped[2].why)
  local text = tostring(all)
  A.truthy(has_cells(text, "t-vnru-2023m01-07", "2023-01/2023-07", "1.9 bn USD", "2022-01/2022-07", "-15.7 %",
    "reported"), text)
  A.truthy(text:find("(5 rates: 0 computed from the data, 5 reported by the source)", 1, true), text)
end

function T.yoy_computed_from_the_data()
  with_rows({
    trade_row("test-vnru-2023m01-09", "2023-01/2023-09", "VNM", "RUS", "turnover", "3500000000"),
    trade_row("test-vnrufe-2022h1", "2022-H1", "VNM", "X-RUFE", "turnover", "125000000", "s000"),
    trade_row("test-other-source", "2023-01/2023-09", "VNM", "RUS", "turnover", "3600000000", "s002"),
  }, function()
    local e = growth.yoy(trade.get "t-vnru-2024m01-09")[1]
    A.eq(e.method, "computed")
    A.near(e.rate, 0.257142857142857, 1e-12, "4.4 / 3.5 - 1 = 9/35, not the reported 24 %")
    A.eq(e.base_id, "test-vnru-2023m01-09", "the figure of the row's own source (s001) is preferred")
    A.eq(tostring(e.base), "3.5 bn USD")
    local fe = growth.yoy(trade.get "t-vnrufe-2023h1")[1]
    A.eq(fe.method, "computed")
    q_is(fe.rate, "range", 0.2, 0.28, nil, "150/125 - 1 .. 160/125 - 1")
    -- Jan-Sep 2023 itself: no 2022 figure, no change: skipped
    local own = growth.yoy(trade.get "test-vnru-2023m01-09")
    A.eq(#own, 0)
    A.eq(own.skipped[1].why, "no figure for 2022-01/2022-09 in the data, and no reported change")
  end)
  A.eq(trade.get "test-vnru-2023m01-09", nil, "the bundled dataset is back")
end

function T.yoy_needs_a_series_table()
  A.errors(function() return growth.yoy(agreements.get "a-sp-2001") end,
    "rows of table 'agreements' have no year-on-year series")
  A.errors(function() return growth.yoy(42) end, "growth.yoy: expected a row or a result set, got number")
end

return T
