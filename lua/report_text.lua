-- tradescope.report_text: a report as plain text for the terminal (UTF-8,
-- 78 columns for prose; tables as wide as their columns).  Charts are drawn
-- as horizontal bars, which Markdown reuses in a code block.
local fmt = require "tradescope.report_format"
local TT = require "tradescope.texttable"

local M = {}

local WIDTH = 78
local BAR = 40 -- cells for the longest bar

local function marks(refs)
  if not refs or #refs == 0 then return "" end
  local parts = {}
  for i, n in ipairs(refs) do parts[i] = tostring(n) end
  return "[" .. table.concat(parts, ",") .. "]"
end
M.marks = marks

local function underline(text, char)
  return text .. "\n" .. string.rep(char, fmt.width(text))
end

--- The lines of a table laid out in aligned columns; `mark(refs)` gives the
--- text of a row's footnote marks.
function M.table_lines(block, mark)
  local head, align = {}, {}
  for j, c in ipairs(block.columns) do head[j] = fmt.one_line(c.label); align[j] = c.numeric end
  local grid = {}
  for i, r in ipairs(block.rows) do
    local line = {}
    for j, cell in ipairs(r.cells) do line[j] = fmt.one_line(cell.text) end
    if block.sourced then line[#line + 1] = mark(r.refs) end
    grid[i] = line
  end
  if block.sourced then head[#head + 1] = "Source" end
  return TT.lines(head, grid, align)
end

-- ---- charts as bars ------------------------------------------------------------

local function extent(points)
  local neg, pos = 0, 0
  for _, p in ipairs(points) do
    for _, v in ipairs{p.low or 0, p.high or 0, p.value} do
      if v < neg then neg = v end
      if v > pos then pos = v end
    end
  end
  return -neg, pos
end

local function cells(v, per_cell)
  local n = math.floor(math.abs(v) / per_cell + 0.5)
  if n == 0 and v ~= 0 then n = 1 end
  return n
end

-- One bar: the solid part to the value (low end of a range, the bound),
-- shaded to the high end of a range, an arrowhead past a lower bound.
local function bar(p, per_cell)
  if p.qualifier == "less_than" then return string.rep("░", cells(p.high, per_cell)) .. "◂" end
  local solid = p.qualifier == "range" and p.low or p.value
  local s = string.rep("█", cells(solid, per_cell))
  if p.qualifier == "range" then
    s = s .. string.rep("░", math.max(1, cells(p.high, per_cell) - cells(solid, per_cell)))
  elseif p.qualifier == "more_than" then
    s = s .. "▸"
  end
  return s
end

local function legend(points)
  local seen = {}
  for _, p in ipairs(points) do seen[p.qualifier] = true end
  local parts = {}
  if seen.range then parts[#parts + 1] = "░ range up to its high end" end
  if seen.more_than then parts[#parts + 1] = "▸ more than the value shown" end
  if seen.less_than then parts[#parts + 1] = "◂ less than the value shown" end
  return table.concat(parts, "  ")
end

--- The caption line of a chart: "Figure 1: title" (each value beside its
--- bar carries its unit).
function M.chart_caption(block)
  return "Figure " .. block.number .. ": " .. fmt.one_line(block.title)
end

--- The lines of a chart drawn with bars; `mark(refs)` as for tables.
function M.chart_lines(block, mark)
  local neg, pos = extent(block.points)
  local per_cell = math.max(neg + pos, 1e-300) / BAR
  local zero = neg > 0 and cells(neg, per_cell) or 0
  local label_w = 0
  local labels = {}
  for i, p in ipairs(block.points) do
    labels[i] = fmt.one_line(p.label)
    label_w = math.max(label_w, fmt.width(labels[i]))
  end
  local out = {}
  for i, p in ipairs(block.points) do
    local b = bar(p, per_cell)
    local left, right = string.rep(" ", zero), b
    if p.value < 0 then
      left = fmt.pad(b, zero, true)
      right = ""
    end
    local line = fmt.pad(labels[i], label_w) .. "  " .. left .. (neg > 0 and "│" or "") .. right
    out[#out + 1] = line .. "  " .. p.text .. (#p.refs > 0 and " " .. mark(p.refs) or "")
  end
  local l = legend(block.points)
  if l ~= "" then out[#out + 1] = l end
  if block.omitted > 0 then
    out[#out + 1] = block.omitted .. (block.omitted == 1 and " figure" or " figures")
      .. " without a value not shown."
  end
  return out
end

-- ---- the document ----------------------------------------------------------------

local function spans_text(spans)
  local parts = {}
  for _, s in ipairs(spans) do parts[#parts + 1] = s.text .. marks(s.refs) end
  return table.concat(parts)
end

local function indented(lines, prefix)
  local out = {}
  for i, l in ipairs(lines) do out[i] = l == "" and "" or prefix .. l end
  return table.concat(out, "\n")
end

local BLOCK = {}

function BLOCK.heading(b)
  local text = fmt.one_line(b.text)
  if b.level == 2 then return underline(text, "-") end
  return text
end

function BLOCK.paragraph(b) return table.concat(fmt.wrap(spans_text(b.spans), WIDTH), "\n") end

function BLOCK.note(b) return table.concat(fmt.wrap("Note: " .. b.text, WIDTH), "\n") end

function BLOCK.table(b)
  local title = "Table " .. b.number .. (b.caption and ": " .. fmt.one_line(b.caption) or "")
  return title .. "\n" .. indented(M.table_lines(b, marks), "  ")
end

function BLOCK.chart(b)
  return M.chart_caption(b) .. "\n" .. indented(M.chart_lines(b, marks), "  ")
end

local function footnotes(r)
  local out = {underline("Sources and notes", "-")}
  for _, f in ipairs(r.footnotes) do
    local tag = "[" .. f.number .. "] "
    local lines = fmt.wrap(tag .. f.text, WIDTH)
    for i = 2, #lines do lines[i] = string.rep(" ", #tag) .. lines[i] end
    out[#out + 1] = table.concat(lines, "\n")
  end
  return table.concat(out, "\n")
end

--- The header lines: title, subtitle, as-of date and author.
function M.meta_line(r)
  return "As of " .. fmt.date(r.as_of) .. (r.author and " · " .. r.author or "")
end

function M.render(r)
  local parts = {underline(fmt.one_line(r.title), "=")}
  if r.subtitle then parts[1] = parts[1] .. "\n" .. r.subtitle end
  parts[1] = parts[1] .. "\n" .. M.meta_line(r)
  for _, b in ipairs(r.blocks) do parts[#parts + 1] = BLOCK[b.type](b) end
  if #r.footnotes > 0 then parts[#parts + 1] = footnotes(r) end
  return table.concat(parts, "\n\n") .. "\n"
end

return M
