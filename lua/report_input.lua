-- tradescope.report_input: what report:table() and report:chart() accept,
-- turned into the blocks every writer lays out.
--
-- A table block: {type = "table", caption, columns = {{key, label, numeric}},
--   rows = {{cells = {{text, raw, number, q}...}, refs = {n...}, id}}, sourced}
-- A chart block: {type = "chart", kind, title, x_label, y_label, unit,
--   points = {{label, value, low, high, qualifier, text, refs}}, refs, omitted}
-- `cite(x)` (given by the report) footnotes x and returns its numbers.
local fmt = require "tradescope.report_format"

local M = {}

local LABELS = {
  id = "Id", period = "Period", reporter = "Reporter", partner = "Partner", via = "Via",
  flow = "Flow", commodity = "Commodity", value = "Value", change = "Change",
  change_basis = "Compared with", route = "Route", mode = "Mode", stops = "Stops",
  status = "Status", date = "Date", metric = "Metric", origin = "Origin",
  destination = "Destination", kind = "Kind", name = "Name", parties = "Parties",
  event = "Event", level = "Level", subject = "Subject", condition = "Condition",
  area = "Area", among = "Among", rank = "Rank", title = "Title", seed_file = "Seed file",
  code = "Code", parent = "Parent", members = "Members", label = "Label",
  -- bulk results
  exporter = "Exporter", importer = "Importer", product = "Product", chapter = "HS chapter",
  heading = "HS heading", year = "Year", count = "Rows", share = "Share", rca = "RCA",
  world = "World", exports = "Exports", mirror = "Mirror imports", gap = "Gap", ratio = "Ratio",
  base = "Base", growth = "Growth",
}

-- The columns a reader wants from each dataset table (ids, sentences and
-- notes stay in the data; the source becomes a footnote).
local DEFAULT_COLUMNS = {
  trade = {"period", "reporter", "partner", "via", "flow", "commodity", "value", "change",
    "change_basis"},
  routes = {"route", "mode", "stops", "status", "date", "period", "metric", "value"},
  tourism = {"period", "origin", "destination", "value", "change", "change_basis"},
  agreements = {"name", "event", "date", "level", "value"},
  targets = {"subject", "period", "value", "condition"},
  rankings = {"subject", "area", "among", "rank", "period"},
  other = {"subject", "period", "area", "value"},
  sources = {"id", "title", "date", "seed_file"},
  areas = {"code", "name", "kind", "parent"},
}
local HIDDEN = {sentence = true, note = true, source = true}

--- The label of a column key: "change_basis" -> "Compared with", "x_y" -> "X y".
function M.label(key)
  if LABELS[key] then return LABELS[key] end
  local s = tostring(key):gsub("_", " ")
  return (s:gsub("^%l", string.upper))
end

local function fail(msg) error("report: " .. msg, 0) end

local function columns_of_table(tname)
  local t = rawget(_G, tname)
  if type(t) ~= "table" or type(t.columns) ~= "table" then fail("no dataset table '" .. tname .. "'") end
  local set = {}
  for _, c in ipairs(t.columns) do set[c] = true end
  return t.columns, set
end

-- ---- cells of dataset rows -------------------------------------------------

local function change_cell(row)
  local qual = row:text("change_qualifier")
  if qual == "direction_only" then
    local dir = tonumber(row:text("change"))
    return {text = dir > 0 and "up" or "down", q = {value = dir, qualifier = qual}}
  end
  local q = row.change
  return q and fmt.cell(q, true) or {text = ""}
end

-- Lists inside a field ("VNM;RUS") read as "VNM, RUS".
local function list_cell(s)
  if s:match("^[^%s;]+;[^%s;][^%s]*$") then return {text = (s:gsub(";", ", ")), raw = s} end
  return {text = s}
end

--- The cell of column `col` of a dataset row.
function M.row_cell(row, col)
  local _, has = columns_of_table(row.table)
  if not has[col] then return {text = ""} end
  if col == "change" and has.change_qualifier then return change_cell(row) end
  local v = row[col]
  if type(v) == "string" then return list_cell(v) end
  return fmt.cell(v)
end

--- The figure a dataset row stands for when it is used as a value: its
--- value, else its change, else its id.
local function row_figure(row)
  local _, has = columns_of_table(row.table)
  if has.value and row.value then return fmt.cell(row.value) end
  if has.change_qualifier and row:text("change_qualifier") then return change_cell(row) end
  return {text = row:text(has.id and "id" or "code") or ""}
end

M.figure = row_figure

-- ---- tables ------------------------------------------------------------------

local function column_spec(entry, i, sequence)
  if type(entry) == "table" then
    local key = entry.key or (sequence and i) or entry[1]
    if key == nil then fail("table: column " .. i .. " has no key") end
    return {key = key, label = entry.label or M.label(key), format = entry.format}
  end
  if sequence then return {key = i, label = tostring(entry)} end
  return {key = entry, label = M.label(entry)}
end

local function with_numeric(cols, rows)
  for j, c in ipairs(cols) do
    local any, all = false, true
    for _, r in ipairs(rows) do
      local cell = r.cells[j]
      if cell.text ~= "" then
        any = true
        if not (cell.q or cell.number) then all = false end
      end
    end
    c.numeric = any and all
  end
end

local function drop_empty(cols, rows)
  local keep, out = {}, {}
  for j, c in ipairs(cols) do
    for _, r in ipairs(rows) do
      if r.cells[j].text ~= "" then keep[#keep + 1] = j; out[#out + 1] = c; break end
    end
  end
  for _, r in ipairs(rows) do
    local cells = {}
    for k, j in ipairs(keep) do cells[k] = r.cells[j] end
    r.cells = cells
  end
  return out
end

local function dataset_rows(list, opts, cite, tname)
  tname = tname or (list[1] and list[1].table)
  for _, row in ipairs(list) do
    if row.table ~= tname and not opts.columns then
      fail("table: rows from different dataset tables (" .. tname .. " and " .. row.table
        .. "): say which columns to show with {columns = {...}}")
    end
  end
  local keys = opts.columns
  if not keys then
    keys = DEFAULT_COLUMNS[tname]
    if not keys then
      keys = {}
      for _, c in ipairs(tname and columns_of_table(tname) or {}) do
        if not HIDDEN[c] then keys[#keys + 1] = c end
      end
    end
  end
  local cols = {}
  for i, e in ipairs(keys) do cols[i] = column_spec(e, i, false) end
  local rows = {}
  for i, row in ipairs(list) do
    local cells = {}
    for j, c in ipairs(cols) do
      cells[j] = c.format and fmt.cell(c.format(row)) or M.row_cell(row, c.key)
    end
    local _, has = columns_of_table(row.table)
    rows[i] = {cells = cells, refs = cite(row), id = row:text(has.id and "id" or "code")}
  end
  if not opts.columns and #rows > 0 then cols = drop_empty(cols, rows) end
  return cols, rows
end

local function union_keys(list)
  local seen, keys = {}, {}
  for _, r in ipairs(list) do
    for k in pairs(r) do
      if type(k) == "string" and k ~= "source" and not seen[k] then
        seen[k] = true
        keys[#keys + 1] = k
      end
    end
  end
  table.sort(keys)
  return keys
end

-- Adds footnote numbers to a list that holds each once.
local function merge(refs, more)
  for _, n in ipairs(more) do
    local seen = false
    for _, m in ipairs(refs) do seen = seen or m == n end
    if not seen then refs[#refs + 1] = n end
  end
end

local function plain_cell(v, refs, cite)
  if fmt.kind(v) == "row" then
    merge(refs, cite(v))
    return row_figure(v)
  end
  return fmt.cell(v)
end

local function plain_rows(list, opts, cite)
  local sequence = type(list[1]) == "table" and list[1][1] ~= nil
  local keys = opts.columns
  if not keys then
    if sequence then
      keys = {}
      for i = 1, #list[1] do keys[i] = "" end
    else
      keys = union_keys(list)
    end
  end
  local cols = {}
  for i, e in ipairs(keys) do cols[i] = column_spec(e, i, sequence) end
  local rows = {}
  for i, r in ipairs(list) do
    if type(r) ~= "table" then fail("table: row " .. i .. " is a " .. type(r) .. ", not a table") end
    local refs = {}
    if r.source ~= nil then refs = cite(r.source) end
    local cells = {}
    for j, c in ipairs(cols) do
      local v = r[c.key]
      if c.format then v = c.format(r) end
      cells[j] = plain_cell(v, refs, cite)
    end
    rows[i] = {cells = cells, refs = refs}
  end
  return cols, rows
end

local MAX_BULK_ROWS = 1000

-- A bulk dataset's rows as plain rows (keys as text, a country code as its
-- area code; figures as numbers) and its column names in order.
local function bulk_list(ds, what)
  if #ds > MAX_BULK_ROWS then
    fail(string.format("%s: a bulk dataset of %d rows is more than a report shows (%d); "
      .. "group it or take ds:top(n) first", what, #ds, MAX_BULK_ROWS))
  end
  local key_text = require("tradescope.bulk").key_text
  local cols, names, list = ds:columns(), {}, {}
  for j, c in ipairs(cols) do names[j] = c.name end
  for i, row in ds:rows() do
    local r = {}
    for _, c in ipairs(cols) do
      local v = row[c.name]
      if v ~= nil and c.type ~= "double" then v = key_text(ds, c.name, v) end
      r[c.name] = v
    end
    list[i] = r
  end
  return list, names
end

local function as_list(x, what)
  local kind = fmt.kind(x)
  if kind == "bulk" then
    local list, names = bulk_list(x, what)
    return list, false, nil, names
  end
  if kind == "resultset" then
    local list = {}
    for i, row in x:rows() do list[i] = row end
    return list, true, x:table()
  end
  if kind ~= "table" then
    fail("table: expected a result set or a list of rows, got " .. kind)
  end
  return x, fmt.kind(x[1]) == "row"
end

local function unique_sorted(rows)
  local seen, out = {}, {}
  for _, r in ipairs(rows) do
    for _, n in ipairs(r.refs) do
      if not seen[n] then seen[n] = true; out[#out + 1] = n end
    end
  end
  table.sort(out)
  return out
end

--- The table block of `input` (a result set, a list of dataset rows, or a
--- list of plain rows).
function M.table(input, opts, cite)
  opts = opts or {}
  if type(opts) ~= "table" then fail("table: options must be a table") end
  local list, dataset, tname, names = as_list(input, "table")
  local cols, rows
  if dataset then cols, rows = dataset_rows(list, opts, cite, tname)
  else
    if names and not opts.columns then opts = setmetatable({columns = names}, {__index = opts}) end
    cols, rows = plain_rows(list, opts, cite)
  end
  for _, r in ipairs(rows) do table.sort(r.refs) end
  with_numeric(cols, rows)
  local block = {type = "table", caption = opts.caption, columns = cols, rows = rows}
  block.sourced = #unique_sorted(rows) > 0
  return block
end

-- ---- charts ------------------------------------------------------------------

local KINDS = {bar = true, line = true}

local function point_of_value(v)
  local kind = fmt.kind(v)
  if kind == "number" then
    return {value = v, low = v, high = v, qualifier = "exact", q = quantity(v)}
  elseif kind == "quantity" then
    return {value = v.value, low = v:low(), high = v:high(), qualifier = v:qualifier(),
      unit = v:unit(), q = v}
  end
  return nil
end

-- The figure as written beside its bar: the quantity's own form, with the
-- chart's unit when the figure was a plain number.
local function value_text(p, unit, percent)
  if percent then return fmt.percent(p.q) end
  local text = p.q:human()
  if unit and not p.q:unit() then text = text .. " " .. unit end
  return text
end

-- One point of the series: its label, its value and the footnotes of its figure.
local function chart_point(item, i, o, cite)
  local kind, label, v, refs = fmt.kind(item), nil, nil, {}
  if kind == "row" then
    refs = cite(item)
    label = item[o.x]
    v = (o.y == "change" and item.change) or item[o.y]
    if label == nil then label = item:text("id") end
  elseif kind == "table" then
    label = item.label
    if label == nil then label = item[o.x] else o.own_labels = true end
    v = item.value
    if v == nil then v = item[o.y] end
    if item.source ~= nil then refs = cite(item.source) end
    if fmt.kind(v) == "row" then
      merge(refs, cite(v))
      v = (o.y == "change" and v.change) or v.value
    end
  else
    fail("chart: point " .. i .. " is a " .. kind .. " (give rows or {label = ..., value = ...})")
  end
  local p = point_of_value(v)
  if not p then return nil end
  p.label = label == nil and ("#" .. i) or fmt.cell(label).text
  table.sort(refs)
  p.refs = refs
  return p
end

local function chart_unit(points, opts, percent)
  local unit
  for _, p in ipairs(points) do
    if p.unit ~= nil then
      if unit and unit ~= p.unit then fail("chart: figures in different units (" .. unit .. " and " .. p.unit .. ")") end
      unit = p.unit
    end
  end
  if percent and unit then fail("chart: a change chart needs plain fractions, got figures in " .. unit) end
  if opts.unit and unit and opts.unit ~= unit then
    fail("chart: unit '" .. opts.unit .. "' given but the figures are in " .. unit)
  end
  return percent and "%" or opts.unit or unit
end

--- The chart block of report:chart{series = ..., kind = ..., ...}.
function M.chart(opts, cite)
  if type(opts) ~= "table" then fail("chart: expected a table of options {series = ..., kind = ...}") end
  local kind = opts.kind or "bar"
  if not KINDS[kind] then fail("chart: kind '" .. tostring(kind) .. "' is not bar or line") end
  if opts.series == nil then fail("chart: no series (series = a result set or {{label = ..., value = ...}, ...})") end
  local list, _, _, names = as_list(opts.series, "chart")
  -- a bulk result plots its measure against its first key
  local o = {x = opts.x or (names and names[1]) or "period",
    y = opts.y or (names and opts.series:info().measure) or "value"}
  o.percent = opts.unit == "%" or (opts.unit == nil and o.y == "change")
  local points, omitted = {}, 0
  for i, item in ipairs(list) do
    local p = chart_point(item, i, o, cite)
    if p then points[#points + 1] = p else omitted = omitted + 1 end
  end
  if #points == 0 then fail("chart: none of the " .. #list .. " items has a value to plot") end
  local unit = chart_unit(points, opts, o.percent)
  for _, p in ipairs(points) do
    p.text = value_text(p, unit, o.percent)
    p.unit, p.q = nil, nil
  end
  -- Points labelled one by one have no common axis name unless one is given.
  local x_label = opts.xlabel
  if x_label == nil and not o.own_labels then x_label = M.label(o.x) end
  local block = {type = "chart", kind = kind, unit = unit, points = points, omitted = omitted,
    x_label = x_label, y_label = opts.ylabel or M.label(o.y)}
  block.title = opts.title or (block.y_label .. (x_label and " by " .. x_label:lower() or ""))
  block.refs = unique_sorted(points)
  return block
end

return M
