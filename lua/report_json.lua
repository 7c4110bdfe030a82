-- tradescope.report_json: a report as JSON, for other programs.
--
-- Scalars and strings are encoded by lua-cjson; this file only orders
-- them: object keys sorted at every level and lists kept as lists (even
-- empty ones), indented two spaces (lists of numbers on one line), so that
-- the same report gives the same bytes.  Figures carry both the text shown and the machine value:
--   {"text": "150–160 M USD", "quantity": {"value": 150000000,
--    "high": 160000000, "unit": "USD", "qualifier": "range"}}
local cjson = require "cjson"

local M = {}

local LIST = {}
local function list(t) return setmetatable(t, LIST) end

local function encode(v, indent, out)
  if type(v) ~= "table" then
    out[#out + 1] = cjson.encode(v)
    return
  end
  local inner = indent .. "  "
  if getmetatable(v) == LIST then
    if #v == 0 then out[#out + 1] = "[]" return end
    if type(v[1]) ~= "table" then -- footnote numbers: one line
      local items = {}
      for i, x in ipairs(v) do items[i] = cjson.encode(x) end
      out[#out + 1] = "[" .. table.concat(items, ", ") .. "]"
      return
    end
    out[#out + 1] = "["
    for i, x in ipairs(v) do
      out[#out + 1] = (i > 1 and ",\n" or "\n") .. inner
      encode(x, inner, out)
    end
    out[#out + 1] = "\n" .. indent .. "]"
    return
  end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  if #keys == 0 then out[#out + 1] = "{}" return end
  out[#out + 1] = "{"
  for i, k in ipairs(keys) do
    out[#out + 1] = (i > 1 and ",\n" or "\n") .. inner .. cjson.encode(tostring(k)) .. ": "
    encode(v[k], inner, out)
  end
  out[#out + 1] = "\n" .. indent .. "}"
end

--- The JSON text of a tree whose lists are marked by list().
function M.encode(tree)
  local out = {}
  encode(tree, "", out)
  return table.concat(out)
end

local function refs(r) return list({table.unpack(r or {})}) end

local function cell(c)
  local out = {text = c.text, raw = c.raw, number = c.number}
  if c.q then
    out.quantity = {value = c.q.value, high = c.q.high, unit = c.q.unit, qualifier = c.q.qualifier}
  end
  return out
end

local BLOCK = {}

function BLOCK.heading(b) return {type = "heading", level = b.level, text = b.text} end

function BLOCK.note(b) return {type = "note", text = b.text} end

function BLOCK.paragraph(b)
  local spans, plain = {}, {}
  for i, s in ipairs(b.spans) do
    spans[i] = {text = s.text, footnotes = refs(s.refs)}
    plain[i] = s.text
  end
  return {type = "paragraph", text = table.concat(plain), spans = list(spans)}
end

function BLOCK.table(b)
  local cols, rows = {}, {}
  for j, c in ipairs(b.columns) do cols[j] = {key = c.key, label = c.label, numeric = c.numeric} end
  for i, r in ipairs(b.rows) do
    local cells = {}
    for j, c in ipairs(r.cells) do cells[j] = cell(c) end
    rows[i] = {id = r.id, cells = list(cells), footnotes = refs(r.refs)}
  end
  return {type = "table", number = b.number, caption = b.caption, columns = list(cols),
    rows = list(rows)}
end

function BLOCK.chart(b)
  local points = {}
  for i, p in ipairs(b.points) do
    points[i] = {label = p.label, value = p.value, low = p.low, high = p.high,
      qualifier = p.qualifier, text = p.text, footnotes = refs(p.refs)}
  end
  return {type = "chart", number = b.number, kind = b.kind, title = b.title, unit = b.unit,
    x_label = b.x_label, y_label = b.y_label, omitted = b.omitted, points = list(points),
    footnotes = refs(b.refs)}
end

local function footnote(f)
  return {number = f.number, kind = f.kind, text = f.text, id = f.id, title = f.title,
    publisher = f.publisher, date = f.date, date_basis = f.date_basis, seed_file = f.seed_file}
end

function M.render(r)
  local blocks, notes = {}, {}
  for i, b in ipairs(r.blocks) do blocks[i] = BLOCK[b.type](b) end
  for i, f in ipairs(r.footnotes) do notes[i] = footnote(f) end
  return M.encode({format = "tradescope-report", version = 1, title = r.title,
    subtitle = r.subtitle, author = r.author, as_of = r.as_of, blocks = list(blocks),
    footnotes = list(notes)}) .. "\n"
end

return M
