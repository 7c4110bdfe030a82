-- tradescope.report_format: values as analysts write them, for the report
-- writers.  Numbers and quantities go through the quantity module's human
-- form ("4.4 bn USD", "150–160 M USD", "> 20,000 TEU", "204,000"); changes
-- are percentages with a sign ("+27.4 %"); periods read as words
-- ("Jan–Sep 2024", "H1 2023") while their notation stays in the machine
-- formats (CSV, JSON).
local TT = require "tradescope.texttable"

local M = {}

local MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
local MONTH_NAMES = {"January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"}

--- What a value is: "row", "resultset", "quantity", "period", "date" or its Lua type.
function M.kind(v)
  local t = type(v)
  if t ~= "userdata" then return t end
  local mt = getmetatable(v)
  local name = type(mt) == "table" and mt.__name or ""
  return ({["tradescope.row"] = "row", ["tradescope.resultset"] = "resultset",
    ["tradescope.quantity"] = "quantity", ["tradescope.period"] = "period",
    ["tradescope.date"] = "date", ["tradescope.bulk"] = "bulk"})[name] or "userdata"
end

local function finite(x) return x == x and x ~= math.huge and x ~= -math.huge end

--- A plain number as analysts write it: "204,000", "4.4 bn", "0.274".
function M.number(x)
  if not finite(x) then return tostring(x) end
  return quantity(x):human()
end

--- Digits a spreadsheet reads back to the same number, never "1e+09" for
--- figures of the size trade data has.
function M.plain(x)
  if math.type(x) == "integer" then return string.format("%d", x) end
  if x == math.floor(x) and math.abs(x) < 2 ^ 53 then return string.format("%d", math.tointeger(x)) end
  for digits = 15, 17 do
    local s = string.format("%." .. digits .. "g", x)
    if tonumber(s) == x then return s end
  end
  return string.format("%.17g", x)
end

local function signed_percent(x)
  local s = string.format("%+.1f", x * 100):gsub("%.0$", "")
  if s == "+0" or s == "-0" then s = "0" end
  return s
end

--- A change (a fraction, plain or as a quantity) as a percentage:
--- "+27.4 %", "~+20 %", "+10–20 %", "> +5 %", "< -3 %".
function M.percent(x)
  if type(x) == "number" then return signed_percent(x) .. " %" end
  local q = x:qualifier()
  if q == "range" then
    local low, high = signed_percent(x:low()), signed_percent(x:high())
    if x:low() >= 0 then high = high:gsub("^%+", "") end
    return low .. "–" .. high .. " %"
  elseif q == "more_than" then return "> " .. signed_percent(x:low()) .. " %"
  elseif q == "less_than" then return "< " .. signed_percent(x:high()) .. " %"
  elseif q == "approx" then return "~" .. signed_percent(x.value) .. " %"
  end
  return signed_percent(x.value) .. " %"
end

--- A period in words: "2023", "H1 2023", "Q1 2023", "Jul 2023",
--- "Jan–Jul 2023", "Nov 2023–Feb 2024"; other text is returned as it is.
function M.period(p)
  local s = tostring(p)
  if s:match("^%d%d%d%d$") then return s end
  local y, half = s:match("^(%d%d%d%d)%-H([12])$")
  if y then return "H" .. half .. " " .. y end
  local qy, quarter = s:match("^(%d%d%d%d)%-Q([1-4])$")
  if qy then return "Q" .. quarter .. " " .. qy end
  local my, m = s:match("^(%d%d%d%d)%-(%d%d)$")
  if my then return MONTHS[tonumber(m)] .. " " .. my end
  local y1, m1, y2, m2 = s:match("^(%d%d%d%d)%-(%d%d)/(%d%d%d%d)%-(%d%d)$")
  if not y1 then return s end
  if y1 == y2 then return MONTHS[tonumber(m1)] .. "–" .. MONTHS[tonumber(m2)] .. " " .. y1 end
  return MONTHS[tonumber(m1)] .. " " .. y1 .. "–" .. MONTHS[tonumber(m2)] .. " " .. y2
end

--- A date in words: "31 January 2025", "January 2025", "2025".
function M.date(d)
  local s = tostring(d)
  local y, m, day = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if y then return tonumber(day) .. " " .. MONTH_NAMES[tonumber(m)] .. " " .. y end
  local my, mm = s:match("^(%d%d%d%d)%-(%d%d)$")
  if my then return MONTH_NAMES[tonumber(mm)] .. " " .. my end
  return s
end

--- The parts of a quantity the machine formats keep: value (the value, the
--- bound or the low end of a range), high (of a range), unit, qualifier.
function M.quantity_parts(q)
  local qual = q:qualifier()
  local value = qual == "less_than" and q:high() or q:low()
  return {value = value, high = qual == "range" and q:high() or nil, unit = q:unit(),
    qualifier = qual}
end

--- A cell of a plain value: {text = shown, raw = machine text, number = a
--- plain number, q = the parts of a quantity}.
--- A change (percent = true) is a fraction shown as a percentage.
function M.cell(v, percent)
  local kind = M.kind(v)
  if v == nil then return {text = ""} end
  if kind == "string" then return {text = v} end
  if kind == "boolean" then return {text = v and "yes" or "no", raw = tostring(v)} end
  if kind == "number" then
    return {text = percent and M.percent(v) or M.number(v), raw = M.plain(v), number = v}
  end
  if kind == "quantity" then
    return {text = percent and M.percent(v) or v:human(), q = M.quantity_parts(v)}
  end
  if kind == "period" then return {text = M.period(v), raw = tostring(v)} end
  if kind == "date" then return {text = tostring(v)} end
  return {text = tostring(v)}
end

--- s on one line: a line break inside a table cell or a heading would
--- break the layout of the text and Markdown forms.
function M.one_line(s)
  return (s:gsub("%s*[\r\n]%s*", " "))
end

M.width, M.pad = TT.width, TT.pad

--- Words of s in lines of at most `width` characters (a longer word stays whole).
function M.wrap(s, width)
  local lines, line = {}, ""
  for word in s:gmatch("%S+") do
    if line == "" then line = word
    elseif TT.width(line) + 1 + TT.width(word) <= width then line = line .. " " .. word
    else lines[#lines + 1] = line; line = word end
  end
  if line ~= "" then lines[#lines + 1] = line end
  return lines
end

return M
