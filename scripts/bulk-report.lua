-- bulk-report.lua — one country's exports from bulk statistics (BACI), as a
-- report: totals and world share, top markets, markets by area grouping,
-- products by HS chapter with revealed comparative advantage, concentration
-- and, with --partner, the trade intensity with one partner.
--
--   tradescope scripts/bulk-report.lua DATA --exporter CODE [--partner CODE]
--       [--top N] [--as-of YYYY-MM-DD] [--out DIR] [--format md,html,txt,json]
--
-- DATA is a snapshot (scripts/import.lua) or a BACI CSV file or directory.
-- CODE is an area code (VNM) or a UN numeric code (704).  Values are BACI's:
-- thousand USD.  Files: DIR/bulk-CODE-ASOF.EXT, written atomically.
-- Exit status 0; 2 for bad arguments; 1 when the data cannot be read or
-- the report cannot be written.

local USAGE = [==[
usage: tradescope scripts/bulk-report.lua DATA --exporter CODE [--partner CODE] [--top N]
         [--as-of YYYY-MM-DD] [--out DIR] [--format md,html,txt,json]]==]

local function die(status, msg)
  io.stderr:write("bulk-report.lua: ", msg, "\n")
  os.exit(status)
end

local FORMATS = {md = true, html = true, txt = true, json = true}

local function parse(args)
  if args[1] == "--help" or args[1] == "-h" then print(USAGE); os.exit(0) end
  local o = {data = args[1], top = 10, out = tradescope.outdir(), formats = {"md", "html"},
    as_of = os.date("%Y-%m-%d")}
  if not o.data or o.data:sub(1, 2) == "--" then die(2, "missing DATA\n" .. USAGE) end
  local i = 2
  while args[i] do
    local a, v = args[i], args[i + 1]
    if v == nil then die(2, a .. " needs a value\n" .. USAGE) end
    if a == "--exporter" then o.exporter = v
    elseif a == "--partner" then o.partner = v
    elseif a == "--top" then
      o.top = math.tointeger(tonumber(v))
      if not o.top or o.top < 1 then die(2, "--top: '" .. v .. "' is not a positive whole number") end
    elseif a == "--as-of" then
      if not pcall(date, v) then die(2, "--as-of: '" .. v .. "' is not a date YYYY-MM-DD") end
      o.as_of = v
    elseif a == "--out" then o.out = v
    elseif a == "--format" then
      o.formats = {}
      for f in v:gmatch("[^,]+") do
        if not FORMATS[f] then die(2, "--format: '" .. f .. "' is not md, html, txt or json") end
        o.formats[#o.formats + 1] = f
      end
    else die(2, "unknown option '" .. a .. "'\n" .. USAGE) end
    i = i + 2
  end
  if not o.exporter then die(2, "--exporter CODE is required\n" .. USAGE) end
  return o
end

local function code_of(x) return math.tointeger(tonumber(x)) or x end

local function load(path)
  if path:match("%.tsb$") then return trade.open(path) end
  return trade.import_baci(path)
end

local function pct(x) return string.format("%.1f %%", x * 100) end
local function usd(thousands) return quantity(thousands * 1000, "USD") end

local function write_report(ds, o)
  local exporter = code_of(o.exporter)
  local mine = ds:filter{exporter = exporter}
  if #mine == 0 then die(1, "no exports of " .. o.exporter .. " in " .. o.data) end
  local name = bulk.key_text(ds, "exporter", mine[1].exporter)
  local r = report.new{title = name .. ": exports from bulk statistics", as_of = o.as_of,
    subtitle = o.data .. " (BACI; values in thousand USD)"}

  r:heading("Totals")
  local total, world = mine:sum(), ds:sum()
  r:paragraph{name .. " exported ", usd(total), " in ", #mine, " flows, ",
    pct(indicators.share(total, world)), " of all exports in the data."}

  r:heading("Markets")
  local markets = mine:group{"importer"}:sum():top(o.top)
  r:table(markets, {caption = "Top " .. o.top .. " markets, thousand USD"})
  r:chart{series = markets, kind = "bar", title = "Top markets", unit = "thousand USD"}
  r:table(mine:group{"importer", areas = {importer = {"X-EAEU", "X-VNNB"}}}:sum(),
    {caption = "Markets by area grouping, thousand USD"})
  r:paragraph{"Concentration by market: ", tostring(mine:concentration("importer")), "."}

  r:heading("Products")
  r:table(ds:rca(exporter, "chapter"):top(o.top, "value"),
    {caption = "Top " .. o.top .. " HS chapters with revealed comparative advantage (RCA > 1: specialised)"})
  r:paragraph{"Concentration by product: ", tostring(mine:concentration("product")), "."}

  if o.partner then
    local partner = code_of(o.partner)
    r:heading("Trade with " .. o.partner)
    r:paragraph{"Trade intensity index: ", string.format("%.2f", ds:intensity(exporter, partner)),
      " (above 1: ", name, " sends a larger part of its exports there than the world does)."}
    r:table(mine:filter{importer = partner}:group{"chapter"}:sum():top(o.top),
      {caption = "Top chapters exported to " .. o.partner .. ", thousand USD"})
  end

  local paths = {}
  for _, f in ipairs(o.formats) do
    paths[#paths + 1] = r:write(string.format("%s/bulk-%s-%s.%s", o.out, name, o.as_of, f))
  end
  return paths
end

local o = parse(arg)
local ok, res = pcall(function() return write_report(load(o.data), o) end)
if not ok then die(1, tostring(res)) end
for _, p in ipairs(res) do print(p) end
