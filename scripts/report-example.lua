-- report-example.lua — a Vietnam–Russia report built from the bundled
-- dataset with the `report` module: turnover (table, bar chart, reported
-- growth), regional figures with their ranges and bounds, the shipping
-- route, tourism, and every figure's source; written as Markdown, HTML,
-- JSON and plain text.
--
--   tradescope scripts/report-example.lua [DIR] [--as-of YYYY-MM-DD] [--help]
local usage = [[
usage: tradescope scripts/report-example.lua [DIR] [--as-of YYYY-MM-DD]
Writes DIR/vietnam-russia.{md,html,json,txt} (DIR defaults to ./reports and is
created if missing) and prints their paths.  --as-of defaults to the date of
the newest source in the dataset, so that the same data gives the same files.]]

local lfs = require "lfs"

local function die(msg)
  io.stderr:write("report-example.lua: ", msg, "\n")
  os.exit(2)
end

local dir, as_of = "reports", nil
local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "--help" or a == "-h" then print(usage) os.exit(0)
  elseif a == "--as-of" then
    as_of = arg[i + 1] or die("--as-of needs a date (YYYY-MM-DD)")
    i = i + 1
  elseif a:match("^%-%-as%-of=") then as_of = a:sub(9)
  elseif a:match("^%-") then die("unknown option '" .. a .. "'\n" .. usage)
  else dir = a end
  i = i + 1
end

-- The newest source date: the report says what was known by then.
local function newest_source_date()
  local newest
  for _, s in sources.all():rows() do
    if s.date and (not newest or newest < s.date) then newest = s.date end
  end
  return newest
end

local vn_ru = trade.find{reporter = "VNM", partner = "RUS", flow = "turnover"}
local latest = trade.get("t-vnru-2024m01-11")
local nine_months = trade.get("t-vnru-2024m01-09")

local r = report.new{
  title = "Vietnam–Russia trade and travel",
  subtitle = "Figures from the bundled dataset, each with its source",
  as_of = as_of or newest_source_date(),
  author = "tradescope report example",
}

r:heading("Trade turnover")
r:paragraph{"Two-way trade between Vietnam and Russia reached ", latest, " in ",
  report.period(latest.period), " (", report.percent(latest.change), " year on year); the figure for ",
  report.period(nine_months.period), " was ", nine_months, " (", report.percent(nine_months.change),
  "). The two later figures come from different sources and cannot both be complete: the",
  " eleven-month total is smaller than the nine-month one."}
-- Figures for a stated period (the dataset also records, without a period,
-- that transit through Vladivostok grew).
local dated = {}
for _, row in vn_ru:rows() do
  if row.period then dated[#dated + 1] = row end
end
r:table(dated, {columns = {"period", "value", "change", "change_basis"},
  caption = "Vietnam–Russia trade turnover as reported"})
r:chart{series = vn_ru, kind = "bar", title = "Vietnam–Russia trade turnover by reported period",
  ylabel = "Turnover"}
r:chart{series = vn_ru, kind = "line", y = "change", title = "Reported year-on-year change in turnover",
  ylabel = "Change on the same period a year earlier"}
r:note("Periods differ in length (a quarter, seven, nine and eleven months), so the bars are "
  .. "not a time series; compare each figure with its own base period.")

r:heading("Regions and border trade")
r:chart{kind = "bar", title = "Regional trade with Vietnam: ranges and lower bounds as stated",
  series = {
    {label = "Russia's Far East, H1 2023", value = trade.get("t-vnrufe-2023h1")},
    {label = "Kaluga oblast, 2020", value = trade.get("t-kluvnm-2020")},
  }}
local function area_name(col)
  return {key = col, label = "Through", format = function(row) return area(row[col]).name end}
end
r:table(trade.find{partner = "X-VNNB"}, {columns = {"period", area_name("via"), "value", "change"},
  caption = "Vietnam's trade with China, Laos and Cambodia"})

r:heading("The Vladivostok–Hai Phong–Ho Chi Minh City sea route")
r:table(routes.find{route = "vvo-hph-sgn"}, {columns = {"metric", "date", "period", "value"},
  caption = "Opening and volume"})

r:heading("Tourism")
local visitors = tourism.get("tr-ruvn-2024m01-11")
r:paragraph{"Visitors from Russia to Vietnam in ", report.period(visitors.period), ": ", visitors,
  " (", report.percent(visitors.change), " against an earlier period the source does not name)."}
r:table(tourism.all(), {caption = "Arrivals"})

if lfs.attributes(dir, "mode") == nil then
  local ok, err = lfs.mkdir(dir)
  if not ok then die("cannot create '" .. dir .. "': " .. err) end
end
for _, ext in ipairs{"md", "html", "json", "txt"} do
  local ok, path = pcall(r.write, r, dir .. "/vietnam-russia." .. ext)
  if not ok then die(path) end
  print(path)
end
