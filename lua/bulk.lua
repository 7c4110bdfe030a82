--@global bulk
-- tradescope.bulk — bulk trade statistics (CEPII BACI, UN Comtrade) from
-- Lua.  The columns and every query live in C (lua/l_bulk.c over
-- core/bulkquery.c); this module adds what is Lua's to do: finding the
-- files, mapping country codes to areas, the grouping object, printing,
-- and trade.import_baci / trade.import_comtrade / trade.open.
--
-- Country codes.  BACI and Comtrade use UN numeric codes, mostly ISO 3166
-- numeric ones.  A dataset maps them to area codes (ISO alpha-3 or a
-- project code), in this order:
--   1. BACI's country_codes_V*.csv beside the imported file, when there;
--   2. the override table below, for the codes that are not ISO's;
--   3. the ISO 3166-1 numeric codes of Debian's iso-codes.
local core = require "tradescope.bulkcore"
local groups = require "tradescope.bulk_groups"
local cjson = require "cjson.safe"
local lfs = require "lfs"
local TT = require "tradescope.texttable"

local M = {}
local methods = core.methods

-- UN statistical codes that are not ISO 3166 numeric codes (or that name
-- no ISO country), and the area each stands for.
M.OVERRIDES = {
  [842] = "USA",     -- United States incl. Puerto Rico and US Virgin Islands (ISO 840)
  [251] = "FRA",     -- France incl. Monaco (ISO 250)
  [699] = "IND",     -- India incl. Sikkim (ISO 356)
  [757] = "CHE",     -- Switzerland incl. Liechtenstein (ISO 756)
  [579] = "NOR",     -- Norway incl. Svalbard and Jan Mayen (ISO 578)
  [490] = "X-OASIA", -- "Other Asia, nes": UN statistics' name for Taiwan's trade
  [58] = "X-BELLUX", -- Belgium-Luxembourg (before 1999)
  [711] = "X-SACU",  -- Southern African Customs Union (before 2000)
  [899] = "X-AREASNES", -- "Areas, nes"
  [0] = "X-WORLD",   -- Comtrade partner 0: the World
}
M.OVERRIDE_NAMES = {
  ["X-OASIA"] = "Other Asia, nes", ["X-BELLUX"] = "Belgium-Luxembourg",
  ["X-SACU"] = "Southern African Customs Union", ["X-AREASNES"] = "Areas, nes",
  ["X-WORLD"] = "World",
}

-- Columns that hold country codes.
local AREA_COLUMNS = {exporter = true, importer = true, reporter = true, partner = true,
  partner2 = true}

local ISO_DIR = os.getenv("TRADESCOPE_ISO_CODES") or "/usr/share/iso-codes/json"
local iso_cache

-- numeric code -> {alpha3, name} from iso-codes (read once).
local function iso_numeric()
  if iso_cache then return iso_cache end
  local path = ISO_DIR .. "/iso_3166-1.json"
  local f, err = io.open(path, "rb")
  if not f then error("cannot read ISO 3166 codes: " .. err .. " (install iso-codes)", 0) end
  local doc, jerr = cjson.decode(f:read("a"))
  f:close()
  if not doc then error(path .. ": not valid JSON: " .. jerr, 0) end
  iso_cache = {}
  for _, c in ipairs(doc["3166-1"]) do
    iso_cache[tonumber(c.numeric)] = {c.alpha_3, c.name}
  end
  return iso_cache
end

local function dir_of(path)
  return path:match("^(.*)/[^/]*$") or "."
end

local function is_dir(path) return lfs.attributes(path, "mode") == "directory" end

-- The newest country_codes_V*.csv in dir, or nil.
local function country_codes_file(dir)
  local best
  for f in lfs.dir(dir) do
    if f:match("^country_codes_V.*%.csv$") and (not best or f > best) then best = f end
  end
  return best and dir .. "/" .. best
end

local function column(header, ...)
  for _, name in ipairs({...}) do
    for i, h in ipairs(header) do if h == name then return i end end
  end
end

-- Reads BACI's country codes: {[code] = iso3}, {[code] = name}.
local function read_country_codes(path)
  local t = core.read_csv(path)
  local ci = column(t.header, "country_code")
  local ii = column(t.header, "country_iso3", "iso_3digit_alpha")
  local ni = column(t.header, "country_name", "country_name_full", "country_name_abbreviation")
  if not ci or not ii then
    error(path .. ":1:1: expected columns country_code and country_iso3 (BACI country codes)", 0)
  end
  local areas, names = {}, {}
  for n, row in ipairs(t.rows) do
    local code = math.tointeger(tonumber(row[ci]))
    if not code then
      error(string.format("%s:%d:1: '%s' is not a country code", path, n + 1, row[ci]), 0)
    end
    if row[ii]:match("^%u%u%u$") then areas[code] = row[ii] end
    names[code] = ni and row[ni] or nil
  end
  return areas, names
end

--- The area map of a dataset: meta.areas[code] = area code, meta.names.
local function set_areas(meta, dir)
  local file = dir and country_codes_file(dir)
  local areas, names = {}, {}
  if file then areas, names = read_country_codes(file) end
  meta.area_source = file or "iso-codes and tradescope's overrides"
  meta.areas, meta.names = areas, names
end

local function area_of(meta, code)
  if code == nil then return nil end
  local a = meta.areas and meta.areas[code]
  if a then return a end
  a = M.OVERRIDES[code]
  if a then return a end
  local iso = iso_numeric()[code]
  return iso and iso[1]
end

--- bulk.area(code [, ds]): the area code (ISO alpha-3 or X-...) of a UN numeric code.
function M.area(code, ds)
  return area_of(ds and ds:meta() or {}, code)
end

-- The member areas of a grouping of the knowledge base (X-EAEU: ARM, BLR,
-- ...), or nil when `area` is none or no dataset is loaded.
local function members_of(area)
  local ok, row = pcall(function() return areas and areas.get(area) end)
  if not ok or not row or not row.members then return nil end
  local list = {}
  for m in row.members:gmatch("[^;]+") do list[#list + 1] = m end
  return list
end

-- Every numeric code that stands for `area` (an alpha-3 code, an X- code,
-- or a grouping of the knowledge base, through its members), for filters.
local function codes_of(meta, area, depth)
  local out, seen = {}, {}
  local function add(code)
    if not seen[code] then seen[code] = true; out[#out + 1] = code end
  end
  for code, a in pairs(meta.areas or {}) do if a == area then add(code) end end
  for code, a in pairs(M.OVERRIDES) do if a == area then add(code) end end
  for code, iso in pairs(iso_numeric()) do
    if iso[1] == area and not (meta.areas and meta.areas[code]) then add(code) end
  end
  if #out == 0 and (depth or 0) < 4 then
    for _, member in ipairs(members_of(area) or {}) do
      for _, code in ipairs(codes_of(meta, member, (depth or 0) + 1)) do add(code) end
    end
  end
  table.sort(out)
  return out
end

-- ---- HS names -------------------------------------------------------------------

local hs_names

--- bulk.key_text(ds, col, v): a key as a report shows it: a country code
--- as its area code ("VNM"), anything else as text.
function M.key_text(ds, col, v)
  if AREA_COLUMNS[col] and math.type(v) == "integer" then
    return area_of(ds:meta(), v) or tostring(v)
  end
  return tostring(v)
end

--- bulk.hs_name(code): the HS nomenclature's description of a chapter, heading or subheading.
function M.hs_name(code)
  if not hs_names then
    hs_names = {}
    local dir = tradescope.datadir()
    local path = dir and dir .. "/hs/harmonized-system.csv"
    if path and lfs.attributes(path, "mode") == "file" then
      local t = core.read_csv(path)
      local ci, di = column(t.header, "hscode"), column(t.header, "description")
      for _, row in ipairs(t.rows) do hs_names[row[ci]] = row[di] end
    end
  end
  return hs_names[code]
end

-- ---- import and open ------------------------------------------------------------------

local function baci_files(dir)
  local files = {}
  for f in lfs.dir(dir) do
    if f:match("^BACI_.*%.csv$") then files[#files + 1] = dir .. "/" .. f end
  end
  table.sort(files)
  if #files == 0 then error(dir .. ": no BACI_*.csv files in this directory", 0) end
  return files
end

-- The files of a BACI path (a file, or a directory of BACI_*.csv) and the
-- directory whose country_codes file maps their codes.
local function baci_paths(path, fn)
  if type(path) ~= "string" then error(fn .. ": expected a file or directory path", 3) end
  if is_dir(path) then return baci_files(path), path end
  return {path}, dir_of(path)
end

-- The country-code map of the BACI files in dir (iso-codes and the overrides alone when
-- there is no such directory: reading the files says so).
local function areas_of(dir)
  local meta = {}
  set_areas(meta, is_dir(dir) and dir or nil)
  return meta
end

-- The where as the file writes it: area codes ("VNM") to the numeric codes that stand for
-- them in the country-code map `meta`, chapter 3 to "03", numeric strings to integers.
local function baci_where(spec, meta, fn)
  if type(spec) ~= "table" then return spec end
  local where = {}
  for k, v in pairs(spec) do
    local list = type(v) == "table" and v or {v}
    local out = {}
    for _, x in ipairs(list) do
      if AREA_COLUMNS[k] and type(x) == "string" and not tonumber(x) then
        local found = codes_of(meta, x)
        if #found == 0 then error(string.format("%s: where %s: unknown area '%s'", fn, k, x), 3) end
        for _, c in ipairs(found) do out[#out + 1] = c end
      elseif (k == "year" or AREA_COLUMNS[k]) and type(x) == "string" then
        out[#out + 1] = math.tointeger(tonumber(x)) or x
      elseif (k == "chapter" or k == "heading") and math.type(x) == "integer" then
        out[#out + 1] = string.format(k == "chapter" and "%02d" or "%04d", x)
      else
        out[#out + 1] = x
      end
    end
    where[k] = out -- a list even for one value: one area may stand for several codes
  end
  return where
end

local function copy_areas(to, from)
  to.area_source, to.areas, to.names = from.area_source, from.areas, from.names
end

--- trade.import_baci(file or dir [, {progress = bool, threads = 1|2, columns = {names},
--- where = {year =, exporter =, importer =, product =, chapter =, heading =}}]): BACI CSV
--- into a dataset, keeping only the columns and rows asked for (every field is still checked).
function M.import_baci(path, opts)
  opts = opts or {}
  local files, dir = baci_paths(path, "import_baci")
  local meta = areas_of(dir)
  local ds = core.import_baci(files, {progress = opts.progress, threads = opts.threads,
    columns = opts.columns, where = baci_where(opts.where, meta, "import_baci")})
  copy_areas(ds:meta(), meta)
  return ds
end

-- A scan: BACI files not imported, grouped while they are read.
local Scan = {}
Scan.__index = Scan
Scan.__name = "tradescope.baciscan"

function Scan.__tostring(s)
  return string.format("scan of %s (call :group{keys}:sum(col), :count(), :mean(col)...)",
    #s.files == 1 and s.files[1] or #s.files .. " BACI files")
end

function Scan:meta() return self.m end

-- Anything else a dataset has: say what a scan is for.
local function not_a_dataset(key)
  error(string.format("scan_baci: a scan only groups (s:group{keys}:sum(col)); for '%s', "
    .. "import the file (trade.import_baci)", key), 3)
end
setmetatable(Scan, {__index = function(_, key) not_a_dataset(tostring(key)) end})
Scan.__len = function() not_a_dataset("#") end

local SCAN_OPTIONS = {where = true, progress = true, threads = true, block = true}

function Scan:_group(keys, col, aggs)
  local r = core.group_baci(self.files, self.opts, keys, col, aggs)
  copy_areas(r:meta(), self.m)
  return r
end

--- trade.scan_baci(file or dir [, {where =, progress =, threads =, block = bytes}]): BACI
--- files to group while reading them, a block at a time: memory holds one block, not the file.
function M.scan_baci(path, opts)
  opts = opts or {}
  if type(opts) ~= "table" then error("scan_baci: options must be a table", 2) end
  for k in pairs(opts) do
    if not SCAN_OPTIONS[k] then
      error("scan_baci: no option '" .. tostring(k) .. "' (where, progress, threads, block)", 2)
    end
  end
  local files, dir = baci_paths(path, "scan_baci")
  for _, f in ipairs(files) do
    local h, msg = io.open(f, "rb")
    if not h then error("scan_baci: " .. msg, 2) end
    h:close()
  end
  local meta = areas_of(dir)
  return setmetatable({files = files, m = meta, opts = {progress = opts.progress,
    threads = opts.threads, block = opts.block, where = baci_where(opts.where, meta, "scan_baci")}},
    Scan)
end

-- The area map of a Comtrade file: its own reporterISO and partnerISO where they are ISO
-- alpha-3 codes (W00, S19 and the like fall back to the overrides, as BACI's do).
local function comtrade_areas(meta, path, ...)
  set_areas(meta, nil)
  local found = false
  for _, ds in ipairs({...}) do
    for _, role in ipairs({"reporter", "partner"}) do
      for _, r in ds:group{role, role .. "_iso"}:count():rows() do
        local iso = r[role .. "_iso"]
        if iso and iso:match("^%u%u%u$") then meta.areas[r[role]], found = iso, true end
      end
    end
  end
  if found then meta.area_source = path .. " (reporterISO, partnerISO)" end
end

--- trade.import_comtrade(file): Comtrade final-data CSV: the detail rows, and the rows kept apart.
function M.import_comtrade(path)
  if type(path) ~= "string" then error("import_comtrade: expected a file path", 2) end
  local detail, apart = core.import_comtrade(path)
  comtrade_areas(detail:meta(), path, detail, apart)
  copy_areas(apart:meta(), detail:meta())
  detail:meta().apart = apart
  return detail, apart
end

-- The country-code map travels inside a snapshot as its notes (JSON with
-- string keys: cjson refuses sparse integer-keyed arrays).
local function notes_of(meta)
  local areas, names = {}, {}
  for code, a in pairs(meta.areas or {}) do areas[tostring(code)] = a end
  for code, n in pairs(meta.names or {}) do names[tostring(code)] = n end
  return cjson.encode{areas = areas, names = names, area_source = meta.area_source}
end

local function areas_from_notes(meta, notes, path)
  local doc = cjson.decode(notes)
  if type(doc) ~= "table" or type(doc.areas) ~= "table" then
    error(path .. ": corrupt (its notes are not tradescope's country-code map)", 0)
  end
  meta.areas, meta.names = {}, {}
  for code, a in pairs(doc.areas) do meta.areas[math.tointeger(tonumber(code))] = a end
  for code, n in pairs(doc.names or {}) do meta.names[math.tointeger(tonumber(code))] = n end
  meta.area_source = doc.area_source
end

--- trade.open(snapshot [, {verify = true}]): a saved dataset, mapped (opens in milliseconds).
function M.open(path, opts)
  if type(path) ~= "string" then error("open: expected a snapshot path", 2) end
  local ds, notes = core.open(path, opts and opts.verify)
  if notes then areas_from_notes(ds:meta(), notes, path) else set_areas(ds:meta(), nil) end
  return ds
end

-- ---- dataset methods written in Lua ------------------------------------------------------

-- Filter values with area codes ("VNM", "X-OASIA") turned into numeric codes.
local function normalise(ds, spec)
  local meta, out = ds:meta(), {}
  for k, v in pairs(spec) do
    if AREA_COLUMNS[k] then
      local list = type(v) == "table" and v or {v}
      local codes = {}
      for _, x in ipairs(list) do
        if type(x) == "string" and not tonumber(x) then
          local found = codes_of(meta, x)
          if #found == 0 then error(string.format("filter %s: unknown area '%s'", k, x), 3) end
          for _, c in ipairs(found) do codes[#codes + 1] = c end
        else
          codes[#codes + 1] = math.tointeger(tonumber(x)) or x
        end
      end
      v = codes
    elseif k == "year" or k == "period" then
      if type(v) == "string" then v = math.tointeger(tonumber(v)) or v end
    elseif (k == "chapter" or k == "heading") and math.type(v) == "integer" then
      v = string.format(k == "chapter" and "%02d" or "%04d", v) -- chapter = 3 is "03"
    end
    out[k] = v
  end
  return out
end

function methods.filter(ds, spec)
  if type(spec) ~= "table" then error("filter: expected a table {column = value(s)}", 2) end
  return ds:_filter(normalise(ds, spec))
end

-- A grouping: the keys, waiting for an aggregate.
local Grouping = {}
Grouping.__index = Grouping
Grouping.__name = "tradescope.bulkgroup"

function Grouping.__tostring(g)
  return "grouping by " .. table.concat(g.keys, ", ")
    .. " (call :sum(col), :count(), :mean(col)...)"
end

function Grouping:agg(col, list)
  if self.areas then
    return groups.group(self.ds, self.keys, self.areas, col, list,
      function(area) return codes_of(self.ds:meta(), area) end)
  end
  return self.ds:_group(self.keys, col, list)
end
function Grouping:sum(col) return self:agg(col or "value", {"sum"}) end
function Grouping:count() return self:agg(nil, {"count"}) end
function Grouping:mean(col) return self:agg(col or "value", {"mean"}) end
function Grouping:min(col) return self:agg(col or "value", {"min"}) end
function Grouping:max(col) return self:agg(col or "value", {"max"}) end
function Grouping:stats(col) return self:agg(col or "value", {"sum", "count", "mean", "min", "max"}) end

function methods.group(ds, keys) -- also a scan's
  if type(keys) == "string" then keys = {keys} end
  if type(keys) ~= "table" or #keys == 0 then error("group: expected a list of keys", 2) end
  local list = table.move(keys, 1, #keys, 1, {})
  if keys.areas ~= nil and type(keys.areas) ~= "table" then
    error("group: areas must be a table {key = {area codes}}", 2)
  end
  return setmetatable({ds = ds, keys = list, areas = keys.areas}, Grouping)
end

Scan.group = methods.group

function methods.sum(ds, col) return ds:stats(col or "value").sum end
function methods.count(ds) return #ds end

function methods.join(ds, other, opts)
  opts = opts or {}
  local on = opts.on or opts
  if type(on) ~= "table" or #on == 0 then
    error("join: expected {on = {key columns}} (e.g. {on = {'exporter', 'importer'}})", 2)
  end
  local how = opts.how or "inner"
  if how ~= "inner" and how ~= "left" and how ~= "outer" then
    error("join: how must be 'inner', 'left' or 'outer', not '" .. tostring(how) .. "'", 2)
  end
  return ds:_join(other, on, opts.value, opts.other_value or opts.value, how)
end

function methods.area(ds, code) return area_of(ds:meta(), code) end

function methods.save(ds, path)
  if type(path) ~= "string" then error("save: expected a snapshot path", 2) end
  ds:_save(path, notes_of(ds:meta()))
end

function methods.apart(ds)
  return ds:meta().apart
end

local HELP = {
  filter = "ds:filter{col = v | {v...}, chapter = '03', exporter = 'VNM'}: rows matching all",
  group = "ds:group{keys [, areas = {key = {area codes}}]}: a grouping; then :sum(col), :count(), :mean, :min, :max, :stats(col)",
  sum = "ds:sum([col]): the total of a column (default value) over the rows",
  count = "ds:count(): the number of rows",
  join = "ds:join(other, {on = {keys} [, how = 'left' | 'outer']}): value, base, change, growth by key; a key on one side only counts 0 on the other",
  save = "ds:save(path): write a snapshot (atomically), with the country-code map, that trade.open reads",
  area = "ds:area(code): the area code (ISO alpha-3 or X-...) of a numeric country code",
  apart = "ds:apart(): the Comtrade rows kept apart (world, total, aggregate, parent, breakdown)",
}
for name, text in pairs(HELP) do tradescope.sethelp(methods[name], text) end

local indicators = require "tradescope.bulk_indicators"
for name, text in pairs(indicators.HELP) do
  methods[name] = indicators[name]
  tradescope.sethelp(indicators[name], text)
end

-- ---- printing ------------------------------------------------------------------------------

local MAX_ROWS = 20
local MAX_CELL = 40

local function cell(meta, name, v)
  if v == nil then return "" end
  if AREA_COLUMNS[name] and math.type(v) == "integer" then
    local a = area_of(meta, v)
    return a and string.format("%d %s", v, a) or tostring(v)
  end
  if name == "growth" then return string.format("%+.1f %%", v * 100) end
  if name == "share" then return string.format("%.1f %%", v * 100) end
  if name == "count" then return string.format("%.0f", v) end
  if math.type(v) == "float" then return string.format("%.3f", v) end
  return tostring(v)
end

--- bulk.format(ds): an aligned text table of the first rows.
function M.format(ds)
  local meta, cols = ds:meta(), {}
  for _, c in ipairs(ds:columns()) do cols[#cols + 1] = c.name end
  local described
  for _, c in ipairs(cols) do if c == "chapter" or c == "heading" then described = c end end
  if described then cols[#cols + 1] = "description" end
  local grid = {}
  local shown = math.min(#ds, MAX_ROWS)
  for i = 1, shown do
    local row, line = ds[i], {}
    for j, c in ipairs(cols) do
      local s = c == "description" and (M.hs_name(row[described]) or "") or cell(meta, c, row[c])
      line[j] = TT.clip(s, MAX_CELL)
    end
    grid[i] = line
  end
  local numeric = {}
  for j, c in ipairs(ds:columns()) do numeric[j] = c.type == "double" end
  local out = TT.lines(cols, grid, numeric)
  local info = ds:info()
  local more = #ds > shown and string.format(", %d shown", shown) or ""
  out[#out + 1] = string.format("(%d %s%s; %s)", #ds, #ds == 1 and "row" or "rows", more, info.kind)
  return table.concat(out, "\n")
end

-- ---- install ---------------------------------------------------------------------------------

local function install()
  local t = _G.trade or {}
  _G.trade = t
  t.import_baci = M.import_baci
  t.import_comtrade = M.import_comtrade
  t.scan_baci = M.scan_baci
  t.open = M.open
  tradescope.sethelp(M.import_baci,
    "trade.import_baci(file|dir [, {progress=, threads=, columns=, where=}]): BACI t,i,j,k,v,q CSV into a dataset")
  tradescope.sethelp(M.scan_baci,
    "trade.scan_baci(file|dir [, {where=, progress=, threads=, block=}]): BACI files grouped while read: s:group{keys}:sum(col)")
  tradescope.sethelp(M.import_comtrade,
    "trade.import_comtrade(file): Comtrade final-data CSV: detail rows, and the rows kept apart")
  tradescope.sethelp(M.open, "trade.open(snapshot [, {verify=true}]): a saved bulk dataset, mapped")
  tradescope.sethelp(M.area, "bulk.area(code [, ds]): the area code of a UN numeric country code")
  tradescope.sethelp(M.key_text, "bulk.key_text(ds, col, v): a key as reports show it ('VNM' for 704)")
  tradescope.sethelp(M.hs_name,
    "bulk.hs_name(code): the HS description of a chapter, heading or subheading")
  tradescope.sethelp(M.format, "bulk.format(ds): the aligned text table print(ds) shows")
  tradescope.addmodule("bulk", "bulk statistics: BACI and Comtrade import, snapshots, queries in C")
end

install()
return M
