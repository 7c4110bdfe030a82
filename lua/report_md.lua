-- tradescope.report_md: a report as Markdown (GitHub flavour: pipe tables
-- and footnotes [^1]).  Charts are the text writer's bars in a code block,
-- readable in any viewer, since Markdown has no charts of its own.
local fmt = require "tradescope.report_format"
local text = require "tradescope.report_text"

local M = {}

-- Characters that would start emphasis, code, links, HTML or a table cell.
-- An underscore inside a word cannot start emphasis (CommonMark), so file
-- names such as 001_0a56.txt stay as they are.
local function escape(s)
  return (s:gsub("()([\\`*_%[%]<>|])", function(i, c)
    if c == "_" and s:sub(i - 1, i - 1):match("%w") and s:sub(i + 1, i + 1):match("%w") then return c end
    return "\\" .. c
  end))
end

-- Table cells, headings and captions must stay on one line.
local function inline(s) return escape(fmt.one_line(s)) end

local function marks(refs)
  local out = {}
  for i, n in ipairs(refs or {}) do out[i] = "[^" .. n .. "]" end
  return table.concat(out)
end

local function spans(list)
  local out = {}
  for _, s in ipairs(list) do out[#out + 1] = inline(s.text) .. marks(s.refs) end
  return table.concat(out)
end

local function row_line(cells) return "| " .. table.concat(cells, " | ") .. " |" end

local BLOCK = {}

function BLOCK.heading(b) return string.rep("#", b.level) .. " " .. inline(b.text) end

function BLOCK.paragraph(b) return spans(b.spans) end

function BLOCK.note(b) return "> **Note:** " .. inline(b.text) end

function BLOCK.table(b)
  local head, rule = {}, {}
  for j, c in ipairs(b.columns) do
    head[j] = inline(c.label)
    rule[j] = c.numeric and "---:" or "---"
  end
  if b.sourced then head[#head + 1] = "Source"; rule[#rule + 1] = "---" end
  local out = {"**Table " .. b.number .. (b.caption and ": " .. inline(b.caption) or "") .. "**", "",
    row_line(head), row_line(rule)}
  for _, r in ipairs(b.rows) do
    local cells = {}
    for j, cell in ipairs(r.cells) do cells[j] = inline(cell.text) end
    if b.sourced then cells[#cells + 1] = marks(r.refs) end
    out[#out + 1] = row_line(cells)
  end
  return table.concat(out, "\n")
end

function BLOCK.chart(b)
  local lines = text.chart_lines(b, text.marks)
  local out = {"**" .. escape(text.chart_caption(b)) .. "**", "", "```text"}
  for _, l in ipairs(lines) do out[#out + 1] = l end
  out[#out + 1] = "```"
  if #b.refs > 0 then out[#out + 1] = "\nSources: " .. marks(b.refs) end
  return table.concat(out, "\n")
end

function M.render(r)
  local head = {"# " .. inline(r.title)}
  if r.subtitle then head[#head + 1] = "*" .. inline(r.subtitle) .. "*" end
  head[#head + 1] = escape(text.meta_line(r))
  local parts = {table.concat(head, "\n\n")}
  for _, b in ipairs(r.blocks) do parts[#parts + 1] = BLOCK[b.type](b) end
  local notes = {}
  for _, f in ipairs(r.footnotes) do notes[#notes + 1] = "[^" .. f.number .. "]: " .. inline(f.text) end
  if #notes > 0 then parts[#parts + 1] = table.concat(notes, "\n") end
  return table.concat(parts, "\n\n") .. "\n"
end

return M
