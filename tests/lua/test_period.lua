-- period and date: the Lua API, its behaviour and its messages.
local A = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/assert.lua")

local T = {}

local function strings(...)
  local out = {}
  for m in ... do out[#out + 1] = tostring(m) end
  return table.concat(out, " ")
end

function T.period_values_and_canonical_text()
  local p = period "2023-01/2023-07"
  A.eq(tostring(p), "2023-01/2023-07")
  A.eq(getmetatable(p).__name, "tradescope.period")
  A.eq(tostring(period "2023-01/2023-06"), "2023-H1", "shortest form")
  A.eq(tostring(period "2023-10/2023-12"), "2023-Q4")
  A.eq(tostring(period "2023-01/2023-12"), "2023")
  A.eq(tostring(period(2023)), "2023", "a number reads as its text")
  A.eq(tostring(period(period "2023-Q2")), "2023-Q2")
  A.eq(tostring(period(date "2015-05-29")), "2015-05", "a date gives its month")
  for _, s in ipairs{"2023", "2023-H1", "2023-H2", "2023-Q1", "2023-Q4", "2023-07",
                     "2023-01/2023-07", "2023-11/2024-02"} do
    A.eq(tostring(period(s)), s, "round trip of " .. s)
  end
end

function T.period_errors_quote_the_input()
  A.errors(function() return period "2023-13" end,
    "'2023-13' is not a period: month '13' is not 01..12")
  A.errors(function() return period "2023-Q5" end,
    "'2023-Q5' is not a period: quarter 'Q5' is not Q1..Q4")
  A.errors(function() return period "2023-07/2023-03" end,
    "'2023-07/2023-03' is not a period: the interval ends before it starts")
  A.errors(function() return period "2023x" end, "'2023x' is not a period: unexpected 'x' after '2023'")
  A.errors(function() return period "999" end, "'999' is not a period: year '999' is not in 1000..9999")
  local err = A.errors(function() return period "2023-13" end)
  A.truthy(err:find("^[^:]*test_period%.lua:%d+: '2023%-13'"), "error carries the caller's line: " .. err)
  A.errors(function() return period {} end, "bad argument #1 to 'period' (period expected, got table)")
  A.errors(function() return period() end, "bad argument #1 to 'period' (period expected, got no value)")
end

function T.period_parse_returns_nil_and_message()
  local p, err = period.parse "2023-Q3"
  A.eq(tostring(p), "2023-Q3")
  A.eq(err, nil)
  p, err = period.parse "2023-H3"
  A.eq(p, nil)
  A.eq(err, "'2023-H3' is not a period: half 'H3' is not H1 or H2")
  A.errors(function() return period.parse(nil) end, "bad argument #1 to 'parse'")
end

function T.months_and_years()
  A.eq(period "2023-01/2023-07":months(), 7)
  A.eq(period "2023":months(), 12)
  A.eq(period "2023-11/2024-02":months(), 4)
  A.eq(period "2023-11/2024-02":year(), 2023)
  A.eq(period "2023-11/2024-02":end_year(), 2024)
  A.eq(tostring(period "2023-11/2024-02":start()), "2023-11")
  A.eq(tostring(period "2023-11/2024-02":finish()), "2024-02")
  A.eq(period.months(period "2023-H2"), 6, "methods are the library's functions")
end

function T.contains_and_overlaps()
  local h1 = period "2023-H1"
  A.eq(h1:contains(period "2023-Q2"), true)
  A.eq(h1:contains "2023-03", true)
  A.eq(h1:contains "2023", false)
  A.eq(h1:contains(date "2023-06-30"), true)
  A.eq(h1:contains(date "2023-07-01"), false)
  A.eq(h1:overlaps "2023-06/2023-08", true)
  A.eq(h1:overlaps "2023-H2", false)
  A.eq(period "2023-11/2024-02":overlaps "2024", true)
  A.errors(function() return h1:contains "June" end,
    "bad argument #1 to 'contains' ('June' is not a period: expected a four-digit year)")
  A.errors(function() return h1:contains(42.5) end, "'42.5' is not a period")
  A.errors(function() return period.contains("2023", h1) end, "bad argument #1 to 'contains'")
end

function T.previous_year_shift_and_comparable()
  local p = period "2023-01/2023-07"
  A.eq(tostring(p:previous_year()), "2022-01/2022-07")
  A.eq(tostring(period "2023-11/2024-02":previous_year()), "2022-11/2023-02")
  A.eq(tostring(p:shift(2)), "2025-01/2025-07")
  A.eq(tostring(p:shift(-3)), "2020-01/2020-07")
  A.eq(period "2024-01/2024-09":comparable "2023-01/2023-09", true)
  A.eq(p:comparable(p), false, "not comparable with itself")
  A.eq(p:comparable "2022-01/2022-06", false)
  A.eq(period "2023-Q1":comparable "2023-Q2", false)
  A.errors(function() return period "1000":previous_year() end,
    "cannot shift 1000 by -1 years: years must stay within 1000..9999")
  A.errors(function() return p:shift(1.5) end, "bad argument #1 to 'shift' (number has no integer representation)")
  A.errors(function() return p:shift(math.maxinteger) end, "bad argument #1 to 'shift' (too many years)")
end

function T.iteration_over_months()
  A.eq(strings(period "2023-11/2024-02":each()), "2023-11 2023-12 2024-01 2024-02")
  A.eq(strings(period "2023-07":each()), "2023-07")
  local n = 0
  for m in period "2024":each() do
    n = n + 1
    A.eq(m:months(), 1)
  end
  A.eq(n, 12)
end

function T.ordering_and_equality()
  A.eq(period "2023-Q1" < period "2023-H1", true, "same start: shorter first")
  A.eq(period "2023-H1" < period "2023-Q2", true, "earlier start first")
  A.eq(period "2023" <= period "2023", true)
  A.eq(period "2023-Q4" > period "2023-11/2024-02", false)
  A.eq(period "2023" == period "2023-01/2023-12", true)
  A.eq(period "2023" ~= period "2023-H1", true)
  A.eq(period "2023" == "2023", false, "a string is never equal to a period")
  A.eq(period "2023" < "2024", true, "a string compares as a period")
  local list = {period "2024-Q1", period "2023", period "2023-Q4", period "2023-H1"}
  table.sort(list)
  A.eq(table.concat({tostring(list[1]), tostring(list[2]), tostring(list[3]), tostring(list[4])}, " "),
    "2023-H1 2023 2023-Q4 2024-Q1", "by start, then by end")
  local seen = {}
  seen[period "2023"] = true
  A.eq(seen[period "2023"], nil, "periods are values, not table keys by content")
end

function T.concat_and_help()
  A.eq("period " .. period "2023-H2", "period 2023-H2")
  A.eq(period "2023-H2" .. "!", "2023-H2!")
  A.eq(period "2023" .. period "2024", "20232024")
  A.eq(type(period.parse), "function")
end

function T.dates()
  local d = date "2015-05-29"
  A.eq(tostring(d), "2015-05-29")
  A.eq(getmetatable(d).__name, "tradescope.date")
  A.eq(tostring(date "2022-05"), "2022-05")
  A.eq(tostring(date "2001"), "2001")
  A.eq(d:year(), 2015)
  A.eq(d:month(), 5)
  A.eq(d:day(), 29)
  A.eq(date "2022-05":day(), nil)
  A.eq(date "2001":month(), nil)
  A.eq(d:precision(), "day")
  A.eq(date "2022-05":precision(), "month")
  A.eq(date "2001":precision(), "year")
  A.eq(tostring(d:period()), "2015-05")
  A.eq(tostring(date "2001":period()), "2001")
  A.eq("on " .. d, "on 2015-05-29")
end

function T.date_errors()
  A.errors(function() return date "2023-02-29" end,
    "'2023-02-29' is not a date: February 2023 has 28 days, not 29")
  A.errors(function() return date "2023-04-31" end,
    "'2023-04-31' is not a date: April 2023 has 30 days, not 31")
  A.errors(function() return date "2023-5-1" end,
    "'2023-5-1' is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD")
  local d, err = date.parse "2023-13-01"
  A.eq(d, nil)
  A.eq(err, "'2023-13-01' is not a date: month '13' is not 01..12")
  A.eq(tostring(date.parse "2024-02-29"), "2024-02-29")
  A.errors(function() return date "2015-05-29":years_until "tomorrow" end,
    "bad argument #1 to 'years_until' ('tomorrow' is not a date")
  A.errors(function() return date "9999-01-01":add_years(1) end,
    "cannot add 1 years to 9999-01-01: years must stay within 1000..9999")
end

function T.anniversaries()
  local d = date "2015-05-29"
  A.eq(d:years_until "2025-05-28", 9)
  A.eq(d:years_until(date "2025-05-29"), 10)
  A.eq(date "2025-05-29":years_until(d), -10)
  A.eq(date "2001":years_until "2026-01-31", 25, "compared at the coarser precision")
  A.eq(tostring(d:add_years(10)), "2025-05-29")
  A.eq(tostring(date "2024-02-29":add_years(1)), "2025-02-28", "29 Feb falls on 28 Feb")
  A.eq(tostring(date "2024-02-29":add_years(4)), "2028-02-29")
  A.eq(date "2024-02-29":years_until "2025-02-28", 1)
  A.eq(tostring(date "2001":add_years(25)), "2026")
end

function T.date_order_and_today()
  A.eq(date "2015-05-29" < date "2015-05-30", true)
  A.eq(date "2022-05" < date "2022-05-01", true, "as the ISO strings sort")
  A.eq(date "2022" <= date "2022", true)
  A.eq(date "2022-05-01" == date "2022-05-01", true)
  A.eq(date "2022-05" == date "2022-05-01", false)
  A.eq(date "2015-05-29" < "2016", true)
  local t = os.time{year = 2025, month = 1, day = 31, hour = 12}
  A.eq(tostring(date.today(t)), "2025-01-31", "local day of an os.time value")
  A.eq(date.today():precision(), "day")
  A.eq(tostring(date.today()), os.date("%Y-%m-%d"))
end

return T
