-- quantity: the Lua API, its behaviour and its messages.
local A = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/assert.lua")

local T = {}
local DASH = "\u{2013}"

function T.parsing_article_forms()
  local cases = {
    {"1.9 billion USD", "1900000000 USD", "1.9 bn USD"},
    {"US$8.44 billion", "8440000000 USD", "8.44 bn USD"},
    {"$4.4 billion", "4400000000 USD", "4.4 bn USD"},
    {"150-160 million USD", "150000000-160000000 USD", "150" .. DASH .. "160 M USD"},
    {"150" .. DASH .. "160 million USD", "150000000-160000000 USD", "150" .. DASH .. "160 M USD"},
    {"20,000 TEUs", "20000 TEU", "20,000 TEU"},
    {"more than 20,000 TEUs", ">20000 TEU", "> 20,000 TEU"},
    {"> 20000 TEU", ">20000 TEU", "> 20,000 TEU"},
    {"~1.9e9 USD", "~1900000000 USD", "~1.9 bn USD"},
    {"about 732 million USD", "~732000000 USD", "~732 M USD"},
    {"204,000 persons", "204000 persons", "204,000 persons"},
    {"204,000 citizens", "204000 persons", "204,000 persons"},
    {"1900000000 USD", "1900000000 USD", "1.9 bn USD"},
    {"-15.7%", "-0.157", "-0.157"},
    {"42", "42", "42"},
  }
  for _, c in ipairs(cases) do
    local q = quantity(c[1])
    A.eq(q:canonical(), c[2], "canonical of " .. c[1])
    A.eq(q:human(), c[3], "human of " .. c[1])
    A.eq(tostring(q), c[3], "tostring of " .. c[1])
    A.eq(quantity(q:canonical()), q, "canonical reads back: " .. c[1])
    A.eq(quantity(q:human()), q, "human form reads back: " .. c[1])
  end
  A.eq(getmetatable(quantity "5 km").__name, "tradescope.quantity")
end

function T.fields_and_accessors()
  local q = quantity "150-160 million USD"
  A.eq(q.value, 155e6, "a range's value is its midpoint")
  A.eq(q:low(), 150e6)
  A.eq(q:high(), 160e6)
  A.eq(q:unit(), "USD")
  A.eq(q:qualifier(), "range")
  local m = quantity "more than 20,000 TEUs"
  A.eq(m.value, 20000, "a bound's value is the bound")
  A.eq(m:low(), 20000)
  A.eq(m:high(), nil, "no upper bound")
  A.eq(m:qualifier(), "more_than")
  local l = quantity "less than 5 km"
  A.eq(l:low(), nil)
  A.eq(l:high(), 5)
  A.eq(l:qualifier(), "less_than")
  A.eq(quantity "about 5 km":qualifier(), "approx")
  A.eq(quantity "5 km":qualifier(), "exact")
  A.eq(quantity "0.2":unit(), nil, "a plain number has no unit")
  A.eq(q.nosuch, nil)
  A.eq(quantity.low(q), 150e6, "methods are the library's functions")
end

function T.constructing_from_parts()
  A.eq(quantity(1.9e9, "USD"):canonical(), "1900000000 USD")
  A.eq(quantity(20000, "TEUs", "more_than"):canonical(), ">20000 TEU")
  A.eq(quantity(5, "km", "less_than"):canonical(), "<5 km")
  A.eq(quantity(732e6, "USD", "approx"):canonical(), "~732000000 USD")
  A.eq(quantity(150e6, "USD", "range", 160e6):canonical(), "150000000-160000000 USD")
  A.eq(quantity(150e6, "USD", nil, 160e6):canonical(), "150000000-160000000 USD")
  A.eq(quantity(5, "kg"):canonical(), "0.005 tonnes", "converted to the base unit")
  A.eq(quantity(0.2, nil):canonical(), "0.2")
  A.eq(quantity(7):canonical(), "7")
  A.eq(quantity(7, ""):canonical(), "7")
  local q = quantity "5 km"
  A.eq(rawequal(quantity(q), q), false)
  A.eq(quantity(q), q)
end

function T.construction_errors()
  A.errors(function() return quantity "1.9 billion EUR" end,
    "'1.9 billion EUR' is not a quantity: unknown unit 'EUR'")
  A.errors(function() return quantity "1,9 billion USD" end,
    "'1,9 billion USD' is not a quantity: '1,9' does not group thousands by three")
  A.errors(function() return quantity "160-150 million USD" end,
    "'160-150 million USD' is not a quantity: the range runs backwards")
  A.errors(function() return quantity "$5 USD" end, "the unit is given twice ('$' and 'USD')")
  A.errors(function() return quantity(5, "EUR") end, "bad argument #2 to 'quantity' (unknown unit 'EUR')")
  A.errors(function() return quantity(5, "USD", "roughly") end,
    "bad argument #3 to 'quantity' (unknown qualifier 'roughly'")
  A.errors(function() return quantity(5, "USD", "range") end, "bad argument #4 to 'quantity' (number expected, got no value)")
  A.errors(function() return quantity(5, "USD", "exact", 6) end,
    "bad argument #4 to 'quantity' (only a range has a high end)")
  A.errors(function() return quantity(6, "USD", "range", 5) end, "a range needs its low end below its high end")
  A.errors(function() return quantity(0 / 0, "USD") end, "a quantity needs finite values")
  A.errors(function() return quantity {} end, "bad argument #1 to 'quantity' (quantity expected, got table)")
  local q, err = quantity.parse "20 parsecs"
  A.eq(q, nil)
  A.eq(err, "'20 parsecs' is not a quantity: unknown unit 'parsecs'")
  A.eq(quantity.parse "20 TEU":canonical(), "20 TEU")
end

function T.addition_and_subtraction()
  A.eq((quantity "1.9 billion USD" + quantity "100 million USD"):canonical(), "2000000000 USD")
  A.eq((quantity "150-160 million USD" - quantity "10-20 million USD"):canonical(),
    "130000000-150000000 USD", "[a,b]-[c,d] = [a-d, b-c]")
  A.eq((quantity "more than 20,000 TEU" + quantity "500 TEU"):canonical(), ">20500 TEU",
    "a lower bound plus an exact value stays a lower bound")
  A.eq((quantity "about 732 million USD" + "8 million USD"):canonical(), "~740000000 USD",
    "a string operand is read as a quantity")
  A.eq((quantity "0.5" + 1):canonical(), "1.5", "a number is a plain quantity")
  A.errors(function() return quantity "1.9 billion USD" + quantity "20,000 TEU" end,
    "cannot add 1.9 bn USD and 20,000 TEU: units USD and TEU differ")
  A.errors(function() return quantity "1.9 billion USD" - 5 end,
    "cannot subtract 5 from 1.9 bn USD: units no unit and USD differ")
  A.errors(function() return quantity "more than 20,000 TEU" + quantity "less than 5,000 TEU" end,
    "cannot add > 20,000 TEU and < 5,000 TEU: the result is bounded neither above nor below")
  A.errors(function() return quantity "5 USD" + "5 EUR" end,
    "'5 EUR' is not a quantity: unknown unit 'EUR'")
  A.errors(function() return quantity "5 USD" + true end, "quantity expected, got boolean")
end

function T.scaling_and_negation()
  local q = quantity "150-160 million USD"
  A.eq((q * 2):canonical(), "300000000-320000000 USD")
  A.eq((2 * q):canonical(), "300000000-320000000 USD")
  A.eq((q * -1):canonical(), "-160000000--150000000 USD", "a negative factor swaps the bounds")
  A.eq((-q):canonical(), "-160000000--150000000 USD")
  A.eq(tostring(-q), "-160" .. DASH .. "-150 M USD")
  A.eq((-quantity "more than 20,000 TEU"):canonical(), "<-20000 TEU", "more_than becomes less_than")
  A.eq((quantity "less than 5 km" * -2):canonical(), ">-10 km")
  A.eq((q * 0):canonical(), "0 USD")
  A.eq((q / 2):canonical(), "75000000-80000000 USD")
  A.eq((q * quantity "1.1-1.2"):qualifier(), "range")
  A.errors(function() return q * quantity "5 km" end,
    "cannot multiply 150" .. DASH .. "160 M USD by 5 km: one side must have no unit, not USD and km")
  A.errors(function() return q / 0 end, "cannot divide 150" .. DASH .. "160 M USD by 0: the divisor may be zero")
  A.errors(function() return q * (1 / 0) end, "a quantity needs finite values")
end

function T.ratios_have_no_unit()
  local g = quantity "150-160 million USD" / quantity "125 million USD"
  A.eq(g:canonical(), "1.2-1.28", "growth of a range is a range")
  A.eq(g:unit(), nil)
  A.eq((quantity "1.9 billion USD" / quantity "2 billion USD"):canonical(), "0.95")
  A.eq((quantity "more than 20,000 TEU" / quantity "2 TEU"):canonical(), ">10000")
  A.errors(function() return quantity "5 USD" / quantity "5 km" end,
    "cannot divide 5 USD by 5 km: units USD and km differ")
  A.errors(function() return 5 / quantity "5 km" end,
    "cannot divide 5 by 5 km: units no unit and km differ")
  A.errors(function() return quantity "5 USD" / quantity "-1-1 USD" end, "the divisor may be zero")
end

function T.comparison_is_three_valued()
  local r = quantity "150-160 million USD"
  A.eq(r < quantity "161 million USD", true)
  A.eq(r > quantity "149 million USD", true)
  A.eq(r <= quantity "160 million USD", true, "every value is at most 160 M")
  A.eq(r >= quantity "170 million USD", false)
  A.eq(quantity "more than 20,000 TEU" > quantity "20,000 TEU", true)
  A.eq(quantity "5 km" <= quantity "5 km", true)
  A.eq(quantity "5 km" < quantity "5 km", false)
  A.errors(function() return r < quantity "155 million USD" end,
    "cannot compare 150" .. DASH .. "160 M USD with 155 M USD: ranges overlap")
  A.errors(function() return r <= quantity "155 million USD" end,
    "cannot compare 150" .. DASH .. "160 M USD with 155 M USD: ranges overlap")
  A.errors(function() return quantity "more than 20,000 TEU" < quantity "25,000 TEU" end,
    "cannot compare > 20,000 TEU with 25,000 TEU: ranges overlap")
  A.errors(function() return quantity "5 USD" < quantity "5 km" end,
    "cannot compare 5 USD with 5 km: units USD and km differ")
  A.eq(quantity.compare(r, "155 million USD"), nil, "cannot tell")
  A.eq(quantity.compare(r, "1 billion USD"), -1)
  A.eq(quantity.compare(r, "1 million USD"), 1)
  A.eq(quantity.compare("5 km", "about 5 km"), 0)
  A.eq(r:compare "170-180 million USD", -1)
end

function T.equality_is_structural()
  A.eq(quantity "150-160 million USD" == quantity("150" .. DASH .. "160 M USD"), true)
  A.eq(quantity "about 5 km" == quantity "5 km", false, "qualifier matters")
  A.eq(quantity "5" == quantity "5 km", false, "unit matters")
  A.eq(quantity "5" == 5, false, "a number is not a quantity")
end

function T.concat_and_units()
  A.eq("turnover: " .. quantity "1.9 billion USD", "turnover: 1.9 bn USD")
  A.eq(quantity "20,000 TEU" .. " moved", "20,000 TEU moved")
  local units = quantity.units()
  A.eq(table.concat(units, ","), "USD,TEU,persons,tonnes,flights,km,scholarships,enterprises,days,years")
end

return T
