-- briefing.lua — the Vietnam–Russia trade briefing, built only from the
-- dataset and only from what its sources had published by the as-of date.
-- Safe to run from cron: same inputs give byte-identical files, files appear
-- whole (report:write renames a finished temporary file), and every failure
-- is one line on stderr with a non-zero exit status.
local usage = [[
usage: tradescope scripts/briefing.lua [--as-of YYYY-MM-DD] [--out DIR]
                                       [--format md,html,json,txt] [--data DIR]
Writes DIR/briefing-YYYY-MM-DD.FORMAT for each format and prints the paths.
  --as-of DATE   use only sources published by DATE (default: today)
  --out DIR      output directory (default: ./reports; created if missing)
  --format LIST  comma-separated: md, html, json, txt (default: md,html)
  --data DIR     the dataset to use (default: tradescope's own)
  --print        also print the plain-text version on standard output
Exit status: 0 written; 2 bad arguments; 1 a missing or invalid dataset or
an unwritable output directory.]]

local lfs = require "lfs"

local function die(status, msg)
  io.stderr:write("briefing: ", msg, "\n")
  os.exit(status)
end

-- ---- arguments --------------------------------------------------------------

local FORMATS = {md = true, html = true, json = true, txt = true}

local function parse_formats(list)
  local out, seen = {}, {}
  for f in (list .. ","):gmatch("([^,]*),") do
    if not FORMATS[f] then die(2, "--format: unknown format '" .. f .. "' (md, html, json, txt)") end
    if not seen[f] then seen[f] = true; out[#out + 1] = f end
  end
  return out
end

local function parse_args(args)
  local o = {out = "reports", formats = {"md", "html"}}
  local i = 1
  local function value(name)
    i = i + 1
    local v = args[i]
    if v == nil or v == "" then die(2, name .. " needs a value\n" .. usage) end
    return v
  end
  while i <= #args do
    local a = args[i]
    local name, inline = a:match("^(%-%-[%w-]+)=(.*)$")
    if name then a = name; table.insert(args, i + 1, inline) end
    if a == "--help" or a == "-h" then print(usage) os.exit(0)
    elseif a == "--as-of" then o.as_of = value(a)
    elseif a == "--out" then o.out = value(a)
    elseif a == "--format" then o.formats = parse_formats(value(a))
    elseif a == "--data" then o.data = value(a)
    elseif a == "--print" then o.print = true
    else die(2, "unknown argument '" .. a .. "'\n" .. usage) end
    i = i + 1
  end
  if o.as_of then
    if not o.as_of:match("^%d%d%d%d%-%d%d%-%d%d$") then
      die(2, "--as-of: '" .. o.as_of .. "' is not a date YYYY-MM-DD")
    end
    local d, err = date.parse(o.as_of)
    if not d then die(2, "--as-of: " .. err) end
    o.as_of = d
  else
    o.as_of = date.today()
  end
  return o
end

local opts = parse_args({table.unpack(arg)})

-- ---- the dataset, as known at the as-of date ------------------------------------

if opts.data then
  local ok, err = pcall(dataset.load, opts.data)
  if not ok then die(1, "invalid dataset: " .. tostring(err)) end
end
do
  local ok, err = pcall(sources.all)
  if not ok then die(1, "invalid dataset: " .. tostring(err)) end
end

local function last_day(d)
  local p = d:period():finish()
  local y, m = p:year(), tonumber(tostring(p):sub(6, 7))
  return date(string.format("%04d-%02d-%02d", y, m, os.date("*t", os.time{year = y, month = m + 1, day = 0}).day))
end

-- A source counts once the whole of its stated date is past: a source dated
-- only to January 2025 is in a briefing as of 2025-01-31, not 2025-01-15.
local published, unknown_dates, held_back = {}, {}, {}
for _, s in sources.all():rows() do
  if not s.date then
    unknown_dates[#unknown_dates + 1] = s
  elseif last_day(s.date) <= opts.as_of then
    published[#published + 1] = s.id
  else
    held_back[#held_back + 1] = s
  end
end

local function known(tname, filter)
  filter = filter or {}
  filter.source = published
  if #published == 0 then return nil end
  return _G[tname].find(filter)
end

local function count(rs) return rs and #rs or 0 end

-- ---- the briefing ---------------------------------------------------------------

local as_of_text = tostring(opts.as_of)
local r = report.new{title = "Vietnam–Russia trade briefing", as_of = as_of_text,
  subtitle = "Built from the tradescope dataset: only sources published by " .. as_of_text}

local national = known("trade", {reporter = "VNM", partner = "RUS", flow = "turnover", commodity = "TOTAL"})

local function with_period(rs)
  local list = {}
  if rs then for _, row in rs:rows() do if row.period and row.value then list[#list + 1] = row end end end
  table.sort(list, function(a, b)
    if a.period:finish() ~= b.period:finish() then return a.period:finish() < b.period:finish() end
    return a.id < b.id
  end)
  return list
end

local function headline()
  r:heading("Headline: Vietnam–Russia turnover")
  local rows = with_period(national)
  if #rows == 0 then
    r:paragraph("No national turnover figure had been published by " .. as_of_text .. ".")
    return
  end
  local latest = rows[#rows]
  r:paragraph({"The latest reported figure: ", latest, " for ", latest.period, "."})
  local yoy = {}
  for _, g in ipairs(growth.yoy(national)) do yoy[g.id] = g end
  local lines = {}
  for _, row in ipairs(rows) do
    local g = yoy[row.id]
    local computed = g and g.method == "computed" and report.percent(g.rate) or "—"
    lines[#lines + 1] = {period = row.period, value = row.value,
      reported = row.change and report.percent(row.change) or "—",
      computed = computed, basis = row:text("change_basis") or "—", source = row}
  end
  r:table(lines, {columns = {"period", "value", "reported", "computed", "basis"},
    caption = "Turnover and its change on the same months a year earlier: reported by the source, computed from the dataset's own earlier figure where it has one"})
  r:chart{series = rows, kind = "bar", title = "Vietnam–Russia turnover by period (cumulative from January)",
    x = "period", y = "value"}
  local changes = {}
  for _, row in ipairs(with_period(national)) do if row.change then changes[#changes + 1] = row end end
  if #changes > 0 then
    r:chart{series = changes, kind = "bar", title = "Reported change on a year earlier", x = "period", y = "change"}
  end
end

local function regional()
  r:heading("Regions and border gates")
  local rows = {}
  local all = known("trade", {flow = "turnover"})
  if all then
    for _, row in all:rows() do
      local national_pair = row.reporter == "VNM" and row.partner == "RUS" and not row.via
      if not national_pair and row.value then rows[#rows + 1] = row end
    end
  end
  if #rows == 0 then r:paragraph("No regional or border-gate figure had been published by " .. as_of_text .. ".") return end
  r:table(rows, {columns = {"period", "reporter", "partner", "via", "value", "change", "change_basis"}})
end

local function routes_and_tourism()
  r:heading("Routes")
  local rs = known("routes")
  if count(rs) == 0 then r:paragraph("No route had been reported by " .. as_of_text .. ".")
  else r:table(rs, {columns = {"route", "mode", "stops", "status", "date", "period", "metric", "value"}}) end
  r:heading("Tourism")
  local t = known("tourism")
  if count(t) == 0 then r:paragraph("No visitor figure had been published by " .. as_of_text .. ".")
  else r:table(t, {columns = {"period", "origin", "destination", "value", "change", "change_basis"}}) end
end

-- Anniversaries within a year either side of the as-of date.
local function anniversaries()
  r:heading("Agreements and anniversaries")
  local rs = known("agreements", {event = {"established", "upgraded", "signed"}})
  if count(rs) == 0 then r:paragraph("No agreement had been reported by " .. as_of_text .. ".") return end
  r:table(rs, {columns = {"name", "parties", "event", "date", "level"}})
  local near = {}
  local y = opts.as_of:year()
  for _, row in rs:rows() do
    if row.date then
      for year = y - 1, y + 1 do
        local n, on = growth.anniversaries(row.date, year)
        if n and n > 0 and math.abs(opts.as_of:years_until(on)) < 1 and math.abs(on:years_until(opts.as_of)) < 1 then
          near[#near + 1] = {on = on, nth = n, name = row.name, source = row}
        end
      end
    end
  end
  table.sort(near, function(a, b) return tostring(a.on) < tostring(b.on) end)
  if #near > 0 then
    r:table(near, {columns = {"on", "nth", "name"}, caption = "Anniversaries within a year of " .. as_of_text})
  end
end

local function finding_row(id)
  return trade.get(id) or tourism.get(id) or routes.get(id) or targets.get(id)
end

local function conflicts()
  r:heading("Where the sources disagree")
  local report_ = check()
  local ids = {}
  for _, id in ipairs(published) do ids[id] = true end
  local shown = 0
  for _, f in ipairs(report_.findings) do
    local all_known = true
    for _, rid in ipairs(f.rows) do
      local row = finding_row(rid)
      if not row or not ids[row.source] then all_known = false end
    end
    if all_known then
      shown = shown + 1
      local rows = {}
      for _, rid in ipairs(f.rows) do rows[#rows + 1] = finding_row(rid) end
      r:paragraph("[" .. f.kind .. "] " .. f.message, {source = rows})
    end
  end
  if shown == 0 then r:paragraph("No conflict between the sources published by " .. as_of_text .. ".") end
end

local function source_list()
  r:heading("Sources used")
  if #unknown_dates > 0 then
    local names = {}
    for _, s in ipairs(unknown_dates) do names[#names + 1] = s.id .. " (" .. s.seed_file .. ")" end
    r:note("Sources whose publication date is unknown, left out: " .. table.concat(names, ", ") .. ".")
  end
  if #held_back > 0 then
    local names = {}
    for _, s in ipairs(held_back) do names[#names + 1] = s.id .. " (dated " .. tostring(s.date) .. ")" end
    r:note("Not yet published at " .. as_of_text .. ": " .. table.concat(names, ", ") .. ".")
  end
  r:paragraph(string.format("%d of %d sources had been published by %s.", #published,
    #published + #held_back + #unknown_dates, as_of_text))
end

headline()
regional()
routes_and_tourism()
anniversaries()
conflicts()
source_list()

-- ---- writing ---------------------------------------------------------------------

local function ensure_dir(dir)
  local attr = lfs.attributes(dir)
  if attr and attr.mode ~= "directory" then die(1, "--out: '" .. dir .. "' is not a directory") end
  if not attr then
    local ok, err = lfs.mkdir(dir)
    if not ok then die(1, "--out: cannot create '" .. dir .. "': " .. tostring(err)) end
  end
end

-- A run killed mid-write leaves only a temporary file (the final name is
-- never half-written); the next run clears such leftovers.
local function remove_leftovers(dir)
  for name in lfs.dir(dir) do
    if name:match("^briefing%-.*%.tmp%-") then os.remove(dir .. "/" .. name) end
  end
end

ensure_dir(opts.out)
remove_leftovers(opts.out)
local written = {}
for _, f in ipairs(opts.formats) do
  local path = string.format("%s/briefing-%s.%s", opts.out, as_of_text, f)
  local ok, err = pcall(r.write, r, path)
  if not ok then die(1, tostring(err)) end
  written[#written + 1] = path
end
if opts.print then print(r:render("txt")) end
for _, p in ipairs(written) do print("wrote " .. p) end
