-- tradescope.kb — the knowledge base as analysts use it: one global per
-- dataset table (trade, routes, tourism, agreements, targets, rankings,
-- other, areas, sources), `dataset` for loading, editing and saving, and the
-- text forms of result sets and rows.  The C side is tradescope.kbcore.
local core = require "tradescope.kbcore"
local cjson = require "cjson.safe"
local TT = require "tradescope.texttable"

local M = {}
local ISO_DIR = os.getenv("TRADESCOPE_ISO_CODES") or "/usr/share/iso-codes/json"

local loaded, loaded_dir

local function read_json(path)
  local f, err = io.open(path, "rb")
  if not f then error("cannot read ISO 3166 codes: " .. err .. " (install iso-codes)", 0) end
  local text = f:read("a")
  f:close()
  local doc, jerr = cjson.decode(text)
  if not doc then error(path .. ": not valid JSON: " .. jerr, 0) end
  return doc
end

-- Countries and subdivisions come from Debian's iso-codes, not a typed list.
local function add_iso_areas(kb)
  local alpha3 = {}
  for _, c in ipairs(read_json(ISO_DIR .. "/iso_3166-1.json")["3166-1"]) do
    kb:add_area(c.alpha_3, c.name, "country", nil)
    alpha3[c.alpha_2] = c.alpha_3
  end
  for _, s in ipairs(read_json(ISO_DIR .. "/iso_3166-2.json")["3166-2"]) do
    local cc = s.code:sub(1, 2)
    local parent = s.parent and (cc .. "-" .. s.parent) or alpha3[cc]
    kb:add_area(s.code, s.name, s.type:lower(), parent)
  end
end

--- Opens the dataset in `dir` (checked whole); returns the C knowledge base.
function M.open(dir)
  local kb = core.new()
  add_iso_areas(kb)
  kb:load_hs(dir .. "/hs/harmonized-system.csv")
  for _, name in ipairs(core.tables()) do
    kb:load(name, dir .. "/" .. name .. ".csv")
  end
  return kb
end

local function default_dir()
  local dir = tradescope.datadir()
  if not dir then
    error("no dataset directory: use --data DIR or set TRADESCOPE_DATA", 0)
  end
  return dir
end

--- The loaded knowledge base, loading it on first use.
function M.get()
  if not loaded then
    local dir = default_dir()
    loaded = M.open(dir)
    loaded_dir = dir
  end
  return loaded
end

function M.dir() return loaded_dir or tradescope.datadir() end

-- ---- text forms -------------------------------------------------------------

local function percent(x)
  local s = string.format("%+.1f", x * 100):gsub("%.0$", "")
  return s
end

-- A change as analysts write it: "+24 %", "~+20 %", "+10–20 %", "> +5 %", "up".
function M.format_change(row)
  local q = row:text("change_qualifier")
  if not q then return "" end
  local v = tonumber(row:text("change"))
  if q == "direction_only" then return v > 0 and "up" or "down" end
  if q == "range" then
    return percent(v) .. "–" .. percent(tonumber(row:text("change_high"))):gsub("^%+", "") .. " %"
  end
  local prefix = ({approx = "~", more_than = "> ", less_than = "< "})[q] or ""
  return prefix .. percent(v) .. " %"
end

local function cell(row, col)
  if col == "value" then
    local q = row.value
    return q and tostring(q) or ""
  elseif col == "change" then
    return M.format_change(row)
  end
  return row:text(col) or ""
end

local DISPLAY = {
  trade = {"id", "period", "reporter", "partner", "via", "flow", "commodity", "value", "change",
           "change_basis", "source"},
  routes = {"id", "route", "mode", "stops", "status", "date", "period", "metric", "value", "source"},
  tourism = {"id", "period", "origin", "destination", "value", "change", "change_basis", "source"},
  agreements = {"id", "kind", "parties", "event", "date", "level", "value", "source"},
  targets = {"id", "subject", "reporter", "partner", "flow", "period", "value", "source"},
  rankings = {"id", "subject", "area", "among", "rank", "period", "source"},
  other = {"id", "subject", "period", "area", "value", "source"},
  sources = {"id", "date", "date_basis", "seed_file", "title"},
  areas = {"code", "name", "kind", "parent", "members"},
}
local MAX_CELL = 40

--- An aligned text table of a result set.
function M.format_resultset(rs)
  local cols = DISPLAY[rs:table()]
  local grid = {}
  for i, row in rs:rows() do
    local line = {}
    for j, c in ipairs(cols) do line[j] = TT.clip(cell(row, c), MAX_CELL) end
    grid[i] = line
  end
  local out = TT.lines(cols, grid)
  out[#out + 1] = string.format("(%d %s, %s)", #rs, #rs == 1 and "row" or "rows", rs:table())
  return table.concat(out, "\n")
end

--- One line for a row: its table, key and the fields that say what it is.
function M.format_row(row)
  local parts = {}
  for _, c in ipairs(DISPLAY[row.table]) do
    local s = cell(row, c)
    if s ~= "" then parts[#parts + 1] = c == "id" and s .. ":" or s end
  end
  return row.table .. " " .. table.concat(parts, " ")
end

-- ---- sources --------------------------------------------------------------------

local Sources = {}
Sources.__index = Sources
Sources.__name = "tradescope.sources"

function Sources.__tostring(list)
  local out = {}
  for _, s in ipairs(list) do
    out[#out + 1] = s.figure
    out[#out + 1] = string.format("  source %s: %s (%s, date %s %s; %s)", s.source, s.title,
      s.publisher or "publisher not stated", s.date or "unknown", s.date_basis, s.seed_file)
    out[#out + 1] = "  “" .. s.sentence .. "”"
    if s.note then out[#out + 1] = "  note: " .. s.note end
  end
  if #out == 0 then return "(no sources)" end
  return table.concat(out, "\n")
end

local function source_of(kb, row)
  if row.source == nil then
    -- areas and sources have no source column (level 3: the caller of sources())
    error("sources: " .. row.table .. " rows have no source", 3)
  end
  local src = kb:get("sources", row.source)
  return setmetatable({
    table = row.table, id = row:text("id"), figure = M.format_row(row),
    source = row.source, title = src.title, publisher = src:text("publisher"),
    date = src:text("date"), date_basis = src.date_basis, seed_file = src.seed_file,
    sentence = row.sentence, note = row:text("note"),
  }, {__index = function(_, k) return nil end})
end

--- sources(x): where x came from (a row, a result set, or "table/id").
function M.sources(x)
  local kb = M.get()
  local list = setmetatable({}, Sources)
  if type(x) == "string" then
    local tname, id = x:match("^(%w+)/(.+)$")
    local row = tname and kb:get(tname, id)
    if not row then error("sources: no row '" .. x .. "' (write it as table/id, e.g. trade/t-vnru-2023q1)", 2) end
    x = row
  end
  if getmetatable(x) and getmetatable(x).__name == "tradescope.row" then
    list[1] = source_of(kb, x)
  elseif getmetatable(x) and getmetatable(x).__name == "tradescope.resultset" then
    for _, row in x:rows() do list[#list + 1] = source_of(kb, row) end
  else
    error("sources: expected a row, a result set or 'table/id', got " .. type(x), 2)
  end
  return list
end

-- ---- editing ----------------------------------------------------------------------

--- dataset.correct(table, id, changes): new values for some fields of a row.
function M.correct(tname, id, changes)
  local kb = M.get()
  local row = kb:get(tname, id)
  if not row then error(tname .. ": no row '" .. tostring(id) .. "'", 2) end
  local fields = row:fields()
  for k, v in pairs(changes) do
    if v == false or v == "" then fields[k] = nil else fields[k] = tostring(v) end
  end
  kb:replace(tname, id, fields)
end

--- dataset.add(table, fields): a new row, checked as a file row is.
function M.add(tname, fields)
  local copy = {}
  for k, v in pairs(fields) do copy[k] = tostring(v) end
  M.get():add(tname, copy)
end

--- dataset.save([dir]): writes every changed table atomically; returns the paths.
function M.save(dir)
  local kb = M.get()
  dir = dir or loaded_dir
  local written = {}
  for _, name in ipairs(core.tables()) do
    if kb:dirty(name) then
      local path = dir .. "/" .. name .. ".csv"
      kb:save(name, path)
      written[#written + 1] = path
    end
  end
  return written
end

--- dataset.load([dir]): (re)loads the dataset, checked whole; nothing changes on error.
function M.load(dir)
  dir = dir or default_dir()
  local kb = M.open(dir)
  loaded, loaded_dir = kb, dir
  return true
end

-- ---- the globals -------------------------------------------------------------------

local function domain(name)
  local schema = core.schema(name)
  local t = {}
  -- A bad filter is the caller's error: raised at the caller's line, not this file's.
  local function call(method, arg)
    local kb = M.get()
    local ok, res = pcall(kb[method], kb, name, arg)
    if not ok then
      -- an out-of-memory error goes on unchanged (--max-memory recognises it)
      if type(res) ~= "string" or res:find("^not enough memory") then error(res, 0) end
      error(res, 3)
    end
    return res
  end
  local function check_arg(fname, v, want)
    if type(v) ~= want then
      error(string.format("bad argument #1 to '%s' (%s expected, got %s)", fname, want,
        v == nil and "no value" or type(v)), 3)
    end
  end
  t.find = function(filter)
    if filter ~= nil then check_arg("find", filter, "table") end
    local rs = call("find", filter)
    return rs
  end
  t.all = function() local rs = call("find"); return rs end
  t.get = function(id)
    check_arg("get", id, "string")
    local row = call("get", id)
    return row
  end
  t.columns = schema.columns
  tradescope.sethelp(t.find, name .. ".find{col = value | {values}, area = code, period = p, within = p}: rows of "
    .. name .. " matching every key")
  tradescope.sethelp(t.all, name .. ".all(): every row of " .. name)
  tradescope.sethelp(t.get, name .. ".get(" .. schema.key .. "): one row of " .. name .. ", or nil")
  tradescope.addmodule(name, schema.summary)
  return t
end

function M.install()
  for _, name in ipairs(core.tables()) do
    if name ~= "sources" then _G[name] = domain(name) end
  end
  local src = domain("sources")
  _G.sources = setmetatable(src, {__call = function(_, x) return M.sources(x) end})
  tradescope.sethelp(src, "sources(x): where a figure came from (row, result set or 'table/id'), with the sentence")

  _G.dataset = {
    load = M.load, save = M.save, add = M.add, correct = M.correct, dir = M.dir,
    tables = core.tables,
  }
  tradescope.sethelp(M.load, "dataset.load([dir]): load and check the dataset (default: --data / the bundled one)")
  tradescope.sethelp(M.save, "dataset.save([dir]): write every changed table atomically; returns the paths")
  tradescope.sethelp(M.add, "dataset.add(table, fields): add a row, checked as a file row is")
  tradescope.sethelp(M.correct, "dataset.correct(table, id, changes): change some fields of a row")
  tradescope.sethelp(M.dir, "dataset.dir(): the directory the dataset was loaded from")
  tradescope.sethelp(core.tables, "dataset.tables(): the dataset's table names")
  tradescope.addmodule("dataset", "load, check, edit and save the dataset")

  _G.area = function(code) return M.get():area(code) end
  tradescope.sethelp(_G.area, "area(code): {code, name, kind, parent} of an ISO, UN/LOCODE or project code")
  require "tradescope.check"
end

return M
