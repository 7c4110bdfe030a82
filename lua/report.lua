--@global report
-- tradescope.report: reports of headings, paragraphs, tables and charts,
-- built from Lua and written as plain text, Markdown, HTML (inline CSS and
-- SVG charts), CSV or JSON.
--
--   local r = report.new{title = "Vietnam–Russia trade", as_of = "2025-01-31"}
--   r:heading("Turnover"):table(trade.find{reporter = "VNM", partner = "RUS"})
--   r:chart{series = rs, kind = "bar", title = "Turnover by period"}
--   r:write("reports/trade.html")
--
-- Every figure taken from a dataset row is footnoted with its source
-- (title, date, seed file); footnotes are numbered in the order they are
-- first cited and listed at the end.  The output depends only on what was
-- added (no clock, no hash order), so the same inputs give the same bytes.
-- Files are written to a temporary name in the target directory and renamed.
local fmt = require "tradescope.report_format"
local input = require "tradescope.report_input"

local M = {}
local Report = {}
local raw = {} -- the methods before public() wraps them
Report.__index = Report
Report.__name = "tradescope.report"

local WRITERS = {
  txt = "tradescope.report_text", md = "tradescope.report_md", html = "tradescope.report_html",
  csv = "tradescope.report_csv", json = "tradescope.report_json",
}
local FORMAT_NAMES = {text = "txt", markdown = "md", htm = "html"}

-- Misuse is raised at the caller's line (public() adds it); a failed write
-- is not the script's fault and reads as one line naming the path.
local function fail(msg) error("report: " .. msg, 0) end
local function io_fail(msg) error({io = true, msg = "report: " .. msg}, 0) end

local function public(fn)
  return function(...)
    local res = table.pack(pcall(fn, ...))
    if res[1] then return table.unpack(res, 2, res.n) end
    local err = res[2]
    if type(err) == "table" and err.io then error(err.msg, 0) end
    error(err, 2)
  end
end

local function check_text(v, what)
  if type(v) ~= "string" or v == "" then
    fail(what .. " must be a non-empty string, got " .. (v == "" and "an empty string" or type(v)))
  end
  return v
end

local function check_date(v)
  if fmt.kind(v) == "date" then return v end
  if type(v) ~= "string" then
    fail("new: as_of is required: a date such as '2025-01-31' (got " .. type(v) .. ")")
  end
  local d, err = date.parse(v)
  if not d then fail("new: as_of: " .. err) end
  return d
end

--- report.new{title = ..., as_of = "2025-01-31" | date, subtitle = ..., author = ...}
function M.new(opts)
  if type(opts) ~= "table" then fail("new: expected {title = ..., as_of = ...}") end
  local self = setmetatable({
    title = check_text(opts.title, "new: title"),
    as_of = tostring(check_date(opts.as_of)),
    blocks = {}, footnotes = {}, cited = {}, ntables = 0, ncharts = 0,
  }, Report)
  for _, k in ipairs{"subtitle", "author"} do
    if opts[k] ~= nil then self[k] = check_text(opts[k], "new: " .. k) end
  end
  return self
end

function Report:__tostring()
  return string.format("report %q (as of %s; %d blocks, %d footnotes)", self.title, self.as_of,
    #self.blocks, #self.footnotes)
end

-- ---- footnotes ---------------------------------------------------------------

local function sentence_end(s) return s:match("[.?!]$") and s or s .. "." end

local function source_footnote(id)
  local s = sources.get(id)
  if not s then return {kind = "source", id = id, title = "Source " .. id, detail = "(not in the dataset)."} end
  local date_text = s:text("date")
  local basis = s:text("date_basis")
  if not date_text then date_text = "date unknown"
  elseif basis and basis ~= "stated" then date_text = date_text .. " (date " .. basis .. ")" end
  local note = {kind = "source", id = id, title = s.title, publisher = s:text("publisher"),
    date = s:text("date"), date_basis = basis, seed_file = s:text("seed_file")}
  note.detail = string.format("%s, %s; seed file %s (source %s).",
    note.publisher or "Publisher not stated", date_text, note.seed_file or "unknown", id)
  return note
end

local function add_footnote(self, key, make)
  local n = self.cited[key]
  if n then return n end
  local note = make()
  n = #self.footnotes + 1
  note.number = n
  note.text = note.kind == "source" and sentence_end(note.title) .. " " .. note.detail or note.text
  self.footnotes[n] = note
  self.cited[key] = n
  return n
end

local function dataset_row(ref)
  local tname, id = ref:match("^(%w+)/(%S+)$")
  local t = tname and rawget(_G, tname)
  if type(t) ~= "table" or type(t.get) ~= "function" then return nil end
  local row = t.get(id)
  if not row then fail("no dataset row '" .. ref .. "' to cite") end
  return row
end

-- The footnote numbers of x: a dataset row (its source), a result set or a
-- list (each row), "table/id", or any other text (a note of its own).
local function cite(self, x, out)
  out = out or {}
  local kind = fmt.kind(x)
  local function add(n)
    for _, m in ipairs(out) do if m == n then return end end
    out[#out + 1] = n
  end
  if kind == "row" then
    local id = x.table == "sources" and x:text("id") or x.source
    if id then add(add_footnote(self, "source:" .. id, function() return source_footnote(id) end)) end
  elseif kind == "resultset" then
    for _, row in x:rows() do cite(self, row, out) end
  elseif kind == "table" then
    for _, v in ipairs(x) do cite(self, v, out) end
  elseif kind == "string" then
    local row = dataset_row(x)
    if row then return cite(self, row, out) end
    add(add_footnote(self, "note:" .. x, function() return {kind = "note", text = x} end))
  else
    fail("cannot footnote a " .. kind .. " (give a dataset row, a result set or a text)")
  end
  return out
end

--- r:footnote(x): footnotes x (row, result set, "table/id" or text); returns its numbers.
function Report:footnote(x)
  return table.unpack(cite(self, x))
end

-- ---- blocks ------------------------------------------------------------------

local function add_block(self, block)
  self.blocks[#self.blocks + 1] = block
  return self
end

--- r:heading(text[, level]): a section heading, level 2 (default) to 4.
function Report:heading(text, level)
  check_text(text, "heading")
  level = level or 2
  if math.type(level) ~= "integer" or level < 2 or level > 4 then
    fail("heading: level must be 2, 3 or 4 (1 is the title)")
  end
  return add_block(self, {type = "heading", text = text, level = level})
end

local function span_of(self, piece)
  local kind = fmt.kind(piece)
  if kind == "string" then return {text = piece} end
  if kind == "row" then return {text = input.figure(piece).text, refs = cite(self, piece)} end
  if kind == "table" then
    if piece.ref == nil then fail("paragraph: a table piece must be {ref = source}") end
    return {text = "", refs = cite(self, piece.ref)}
  end
  if kind == "number" or kind == "quantity" or kind == "period" or kind == "date" then
    return {text = fmt.cell(piece).text}
  end
  fail("paragraph: cannot show a " .. kind)
end

--- r:paragraph(text | {pieces...}[, {source = x}]): text, or pieces (strings,
--- numbers, quantities, periods, dataset rows shown as their footnoted figure,
--- {ref = x} for a footnote mark).
function Report:paragraph(text, opts)
  local pieces = type(text) == "table" and text or {check_text(text, "paragraph")}
  local spans = {}
  for _, piece in ipairs(pieces) do spans[#spans + 1] = span_of(self, piece) end
  if opts and opts.source ~= nil then spans[#spans + 1] = {text = "", refs = cite(self, opts.source)} end
  return add_block(self, {type = "paragraph", spans = spans})
end

--- r:note(text): a remark set apart from the text (method, caveat).
function Report:note(text)
  return add_block(self, {type = "note", text = check_text(text, "note")})
end

--- r:table(result set | rows[, {columns = {...}, caption = ...}])
function Report:table(rows, opts)
  local block = input.table(rows, opts, function(x) return cite(self, x) end)
  self.ntables = self.ntables + 1
  block.number = self.ntables
  return add_block(self, block)
end

--- r:chart{series = ..., kind = "bar"|"line", title, unit, x = "period", y = "value", xlabel, ylabel}
function Report:chart(opts)
  local block = input.chart(opts, function(x) return cite(self, x) end)
  self.ncharts = self.ncharts + 1
  block.number = self.ncharts
  return add_block(self, block)
end

-- ---- output --------------------------------------------------------------------

local function format_name(fmtname)
  local f = FORMAT_NAMES[fmtname] or fmtname
  if not WRITERS[f] then return nil end
  return f
end

--- r:render(format[, opts]): the report as a string; format txt, md, html, csv or json.
function Report:render(format, opts)
  local f = type(format) == "string" and format_name(format:lower())
  if not f then
    fail("render: unknown format '" .. tostring(format) .. "' (txt, md, html, csv or json)")
  end
  return require(WRITERS[f]).render(self, opts or {})
end

local unique = 0

-- A name no other writer is using, beside the target so that rename stays
-- on one file system.  Not from math.random: a script's seeded sequence
-- must not depend on how many files it wrote.
local function temp_name(dir, base)
  local lfs = require "lfs"
  while true do
    unique = unique + 1
    local addr = tostring({}):match("0x(%x+)") or "0"
    local tmp = string.format("%s.%s.tmp-%s-%d", dir, base, addr, unique)
    if not lfs.symlinkattributes(tmp) then return tmp end
  end
end

local function io_reason(msg, tmp)
  msg = tostring(msg)
  if msg:sub(1, #tmp + 2) == tmp .. ": " then return msg:sub(#tmp + 3) end
  return msg
end

--- Writes content to path whole or not at all.
local function write_file(path, content)
  local dir, base = path:match("^(.*/)([^/]*)$")
  if not dir then dir, base = "", path end
  if base == "" or base == "." or base == ".." then
    io_fail("cannot write '" .. path .. "': not a file name")
  end
  local tmp = temp_name(dir, base)
  local f, err = io.open(tmp, "wb")
  if not f then io_fail("cannot write '" .. path .. "': " .. io_reason(err, tmp)) end
  local ok, werr = f:write(content)
  if ok then ok, werr = f:close() else f:close() end
  if ok then ok, werr = os.rename(tmp, path) end
  if not ok then
    os.remove(tmp)
    io_fail("cannot write '" .. path .. "': " .. io_reason(werr, tmp))
  end
  return path
end

--- r:write(path[, opts]): writes the format named by path's extension
--- (.txt, .md, .html, .csv, .json) atomically; returns path.
function Report:write(path, opts)
  if type(path) ~= "string" or path == "" then fail("write: expected a file path") end
  opts = opts or {}
  local ext = path:match("%.([%w]+)$")
  local f = opts.format or (ext and format_name(ext:lower()))
  if not f then
    fail("cannot tell the format of '" .. path .. "' (name it .txt, .md, .html, .csv or .json)")
  end
  return write_file(path, raw.render(self, f, opts))
end

-- ---- formatting helpers for scripts ----------------------------------------------

M.number = fmt.number
M.percent = fmt.percent
M.period = fmt.period

-- Every method raises misuse at its caller's line; inside this file the
-- unwrapped functions call each other.
M.new = public(M.new)
M.write_file = public(write_file)
for _, name in ipairs{"footnote", "heading", "paragraph", "note", "table", "chart", "render", "write"} do
  raw[name] = Report[name]
  Report[name] = public(Report[name])
end

local host = rawget(_G, "tradescope")
if type(host) == "table" and host.sethelp then
  local help = {
    [M.new] = "report.new{title = ..., as_of = 'YYYY-MM-DD', subtitle = ..., author = ...}: a new report",
    [M.number] = "report.number(x): a number as analysts write it: 204,000, 4.4 bn",
    [M.percent] = "report.percent(x): a change (fraction or quantity) as +27.4 %, ~+20 %, +10–20 %",
    [M.period] = "report.period(p): a period in words: Jan–Sep 2024, H1 2023, Q1 2023",
    [M.write_file] = "report.write_file(path, text): write text to path atomically (temporary file, rename)",
    [Report.heading] = "r:heading(text[, level]): a section heading (level 2..4)",
    [Report.paragraph] = "r:paragraph(text | {pieces}[, {source = x}]): text; rows in pieces show their figure, footnoted",
    [Report.note] = "r:note(text): a remark set apart from the text",
    [Report.table] = "r:table(result set | rows[, {columns = {...}, caption = ...}]): a table, rows footnoted",
    [Report.chart] = "r:chart{series = ..., kind = 'bar'|'line', title, unit, x, y}: a chart",
    [Report.footnote] = "r:footnote(x): footnote a row, result set, 'table/id' or text; returns its numbers",
    [Report.render] = "r:render(format[, opts]): the report as txt, md, html, csv or json text",
    [Report.write] = "r:write(path[, opts]): write the format of path's extension atomically",
  }
  for f, text in pairs(help) do host.sethelp(f, text) end
  host.addmodule("report", "reports with tables, charts and sourced figures: new{...}, r:write(path)")
end

return M
