-- tradescope.report_html: a report as one self-contained HTML page: inline
-- CSS (with print rules: no split tables or charts, headings kept with what
-- follows), charts as inline SVG, footnote marks linked to the list of
-- sources at the end.  No scripts, fonts or images are fetched.
local fmt = require "tradescope.report_format"
local svg = require "tradescope.report_svg"

local M = {}
local esc = svg.escape

local CSS = [[
:root { color-scheme: light; }
body { margin: 0; background: #ffffff; color: #1a1a1a; font: 16px/1.5 Georgia, "Times New Roman", serif; }
main { max-width: 54rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
h1, h2, h3, h4, .meta, caption, figcaption, table, .sources { font-family: Helvetica, Arial, sans-serif; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .3rem; }
.subtitle { font-size: 1.15rem; color: #333333; margin: 0 0 .3rem; }
.meta { font-size: .95rem; color: #555555; margin: 0 0 2rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid #cccccc; }
h3 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.table-wrap { overflow-x: auto; margin: 1rem 0 1.5rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: .4rem; }
th, td { padding: .3rem .6rem; text-align: left; vertical-align: top; border-bottom: 1px solid #dddddd; }
th { border-bottom: 2px solid #888888; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.ref { white-space: nowrap; }
sup.ref { line-height: 0; }
a { color: #1f4e79; }
sup.ref a, td.ref a { text-decoration: none; }
figure { margin: 1.5rem 0; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #333333; margin-top: .4rem; }
.note { margin: 1rem 0; padding: .2rem .9rem; border-left: 3px solid #999999; color: #333333; font-size: .95rem; }
.sources { margin-top: 2.5rem; }
.sources ol { font-size: .9rem; padding-left: 2rem; }
.sources li { margin-bottom: .3rem; }
@media print {
  @page { margin: 18mm 16mm; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
  table, figure, .note { break-inside: avoid; }
  h2, h3, h4, caption { break-after: avoid; }
  thead { display: table-header-group; }
}
]]

local function marks(refs, sep)
  local out = {}
  for i, n in ipairs(refs or {}) do out[i] = '<a href="#fn-' .. n .. '">' .. n .. "</a>" end
  return table.concat(out, sep or ",")
end

local function sup(refs)
  if not refs or #refs == 0 then return "" end
  return '<sup class="ref">' .. marks(refs) .. "</sup>"
end

local BLOCK = {}

function BLOCK.heading(b)
  return "<h" .. b.level .. ">" .. esc(b.text) .. "</h" .. b.level .. ">"
end

function BLOCK.paragraph(b)
  local out = {}
  for _, s in ipairs(b.spans) do out[#out + 1] = esc(s.text) .. sup(s.refs) end
  return "<p>" .. table.concat(out) .. "</p>"
end

function BLOCK.note(b)
  return '<p class="note"><strong>Note:</strong> ' .. esc(b.text) .. "</p>"
end

local function cell(tag, s, numeric, extra)
  return "<" .. tag .. (extra or "") .. (numeric and ' class="num"' or "") .. ">" .. s .. "</" .. tag .. ">"
end

function BLOCK.table(b)
  local out = {'<div class="table-wrap"><table>',
    "<caption>Table " .. b.number .. (b.caption and ": " .. esc(b.caption) or "") .. "</caption>",
    "<thead><tr>"}
  for _, c in ipairs(b.columns) do out[#out + 1] = cell("th", esc(c.label), c.numeric, ' scope="col"') end
  if b.sourced then out[#out + 1] = '<th scope="col">Source</th>' end
  out[#out + 1] = "</tr></thead>"
  out[#out + 1] = "<tbody>"
  for _, r in ipairs(b.rows) do
    local tds = {}
    for j, c in ipairs(r.cells) do tds[j] = cell("td", esc(c.text), b.columns[j].numeric) end
    if b.sourced then tds[#tds + 1] = '<td class="ref">' .. marks(r.refs, ", ") .. "</td>" end
    out[#out + 1] = "<tr>" .. table.concat(tds) .. "</tr>"
  end
  out[#out + 1] = "</tbody></table></div>"
  return table.concat(out, "\n")
end

function BLOCK.chart(b)
  local id = "figure-" .. b.number
  local caption = "Figure " .. b.number .. "." -- the title is in the chart
  if #b.refs > 0 then caption = caption .. " Sources: " .. marks(b.refs, ", ") .. "." end
  if b.omitted > 0 then
    caption = caption .. " " .. b.omitted .. (b.omitted == 1 and " figure" or " figures")
      .. " without a value not shown."
  end
  return '<figure id="' .. id .. '">\n' .. svg.render(b, id) .. "\n<figcaption>" .. caption
    .. "</figcaption>\n</figure>"
end

local function footnotes(r)
  local out = {'<section class="sources">', "<h2>Sources and notes</h2>", "<ol>"}
  for _, f in ipairs(r.footnotes) do
    local body = f.kind == "source" and "<cite>" .. esc(f.title) .. "</cite>. " .. esc(f.detail)
      or esc(f.text)
    out[#out + 1] = '<li id="fn-' .. f.number .. '">' .. body .. "</li>"
  end
  out[#out + 1] = "</ol>"
  out[#out + 1] = "</section>"
  return table.concat(out, "\n")
end

local function header(r)
  local out = {"<header>", "<h1>" .. esc(r.title) .. "</h1>"}
  if r.subtitle then out[#out + 1] = '<p class="subtitle">' .. esc(r.subtitle) .. "</p>" end
  out[#out + 1] = '<p class="meta">As of <time datetime="' .. esc(r.as_of) .. '">'
    .. esc(fmt.date(r.as_of)) .. "</time>" .. (r.author and " · " .. esc(r.author) or "") .. "</p>"
  out[#out + 1] = "</header>"
  return table.concat(out, "\n")
end

function M.render(r)
  local out = {"<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>" .. esc(r.title) .. "</title>", "<style>", CSS .. "</style>", "</head>", "<body>",
    "<main>", header(r)}
  for _, b in ipairs(r.blocks) do out[#out + 1] = BLOCK[b.type](b) end
  if #r.footnotes > 0 then out[#out + 1] = footnotes(r) end
  out[#out + 1] = "</main>"
  out[#out + 1] = "</body>"
  out[#out + 1] = "</html>"
  return table.concat(out, "\n") .. "\n"
end

return M
