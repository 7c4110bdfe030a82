-- tradescope.report_svg: a chart block as an inline SVG element: title,
-- y axis with round ticks in a readable scale ("bn USD"), axis labels with
-- the unit, category labels wrapped to their band, values written on the
-- bars.  Ranges are drawn to their low end with the rest hatched up to the
-- high end; a lower bound ("more than") gets an arrowhead, an upper bound a
-- dashed outline; a legend says so when the chart has any.
--
-- Text widths are estimated (no font metrics in Lua): 0.6 em a character,
-- which errs wide for the sans-serif fonts browsers pick, so labels that
-- fit by the estimate fit on the page.
local fmt = require "tradescope.report_format"

local M = {}

local W = 640          -- viewBox width; the page scales it to its column (9 pt text in print)
local PLOT_H = 260     -- height of the plotting area
local FONT = 12        -- ticks, category labels, axis labels
local VALUE_FONT = 11  -- values on the bars
local TITLE_FONT = 15
local EM = 0.6
local INK, BAR, GRID, MUTED = "#1a1a1a", "#2f5d8a", "#d9d9d9", "#555555"

function M.escape(s)
  return (s:gsub("[&<>\"']", {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
    ['"'] = "&quot;", ["'"] = "&#39;"}))
end
local esc = M.escape

local function num(x)
  local s = string.format("%.1f", x):gsub("%.0$", "")
  if s == "-0" then s = "0" end
  return s
end

local function text_w(s, size) return fmt.width(s) * size * EM end

-- ---- the y axis --------------------------------------------------------------

local function data_extent(points)
  local lo, hi = 0, 0
  for _, p in ipairs(points) do
    for _, v in ipairs{p.low or p.value, p.high or p.value, p.value} do
      lo, hi = math.min(lo, v), math.max(hi, v)
    end
    -- room above a lower bound for its arrowhead
    if p.qualifier == "more_than" and p.value > 0 then hi = math.max(hi, p.value * 1.15) end
  end
  if lo == hi then hi = lo + 1 end
  return lo, hi
end

-- The scale the axis is read in: bn and M for large figures, percent for changes.
local function axis_scale(lo, hi, unit)
  if unit == "%" then return 0.01, "%" end -- fractions read as percentages
  local m = math.max(math.abs(lo), math.abs(hi))
  local factor, prefix = 1, nil
  if m >= 1e9 then factor, prefix = 1e9, "bn" elseif m >= 1e6 then factor, prefix = 1e6, "M" end
  local label = prefix and unit and (prefix .. " " .. unit) or prefix or unit
  return factor, label
end

local function nice_step(span)
  local raw = span / 5
  local mag = 10 ^ math.floor(math.log(raw, 10))
  for _, f in ipairs{1, 2, 2.5, 5, 10} do
    if f * mag >= raw * (1 - 1e-9) then return f * mag end
  end
  return 10 * mag
end

local function decimals(step)
  for d = 0, 6 do
    local x = step * 10 ^ d
    if math.abs(x - math.floor(x + 0.5)) < 1e-6 then return d end
  end
  return 6
end

local function group_thousands(s)
  local sign, int, frac = s:match("^(-?)(%d+)(.*)$")
  if not int then return s end
  int = int:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return sign .. int .. frac
end

local function axis(points, unit)
  local lo, hi = data_extent(points)
  local factor, unit_label = axis_scale(lo, hi, unit)
  local step = nice_step((hi - lo) / factor)
  local first = math.floor(lo / factor / step + 1e-9)
  local last = math.ceil(hi / factor / step - 1e-9)
  local d = decimals(step)
  local ticks = {}
  for i = first, last do
    local v = i * step
    local label = group_thousands(string.format("%." .. d .. "f", v))
    if label:match("^%-0%.?0*$") then label = label:sub(2) end
    ticks[#ticks + 1] = {value = v * factor, label = label}
  end
  return {min = first * step * factor, max = last * step * factor, ticks = ticks, unit = unit_label}
end

-- ---- category labels -----------------------------------------------------------

-- Words of s in lines that fit `width` pixels, at most three lines; nil when
-- a single word is wider than the band (the labels are then slanted).
local function fit_lines(s, width)
  local chars = math.floor(width / (FONT * EM))
  local lines = fmt.wrap(s, chars)
  for _, l in ipairs(lines) do if fmt.width(l) > chars then return nil end end
  if #lines > 3 then return nil end
  return lines
end

local function category_layout(points, band)
  local layout, rows = {}, 1
  for i, p in ipairs(points) do
    local lines = fit_lines(p.label, band - 6)
    if not lines then return {slanted = true} end
    layout[i] = lines
    rows = math.max(rows, #lines)
  end
  return {lines = layout, rows = rows}
end

-- ---- drawing ---------------------------------------------------------------------

local function svg_text(x, y, s, attrs)
  return string.format('<text x="%s" y="%s"%s>%s</text>', num(x), num(y), attrs or "", esc(s))
end

-- The values written over the points: in full when they fit their band,
-- else without the unit (it is on the axis), else none at all: labels that
-- run into each other help nobody, and the values stay in the chart's
-- description and in the text and Markdown forms.
local function value_labels(points, band)
  local full, short = {}, {}
  local fits_full, fits_short = true, true
  for i, p in ipairs(points) do
    full[i] = p.text
    short[i] = p.text:gsub(" [^ %d]+$", "")
    fits_full = fits_full and text_w(full[i], VALUE_FONT) <= band - 4
    fits_short = fits_short and text_w(short[i], VALUE_FONT) <= band - 4
  end
  if fits_full then return full end
  if fits_short then return short end
  return nil
end

local function triangle(x, y, up)
  -- apex at (x, y), base 9 px further from the value
  local base = up and y + 9 or y - 9
  return string.format('<path d="M%s %s L%s %s L%s %s Z" fill="%s"/>', num(x), num(y),
    num(x - 6), num(base), num(x + 6), num(base), BAR)
end

local function draw_bar(p, cx, bw, ymap, id, out)
  local x = cx - bw / 2
  local zero = ymap(0)
  local function rect(v0, v1, attrs)
    local y0, y1 = ymap(v0), ymap(v1)
    out[#out + 1] = string.format('<rect x="%s" y="%s" width="%s" height="%s" %s/>', num(x),
      num(math.min(y0, y1)), num(bw), num(math.abs(y1 - y0)), attrs)
  end
  local top
  if p.qualifier == "less_than" then
    rect(0, p.high, 'fill="none" stroke="' .. BAR .. '" stroke-width="1.5" stroke-dasharray="4 3"')
    top = ymap(p.high)
  elseif p.qualifier == "range" then
    rect(0, p.low, 'fill="' .. BAR .. '"')
    rect(p.low, p.high, 'fill="url(#' .. id .. '-hatch)" stroke="' .. BAR .. '" stroke-width="1"')
    top = ymap(p.high)
  else
    rect(0, p.value, 'fill="' .. BAR .. '"')
    top = ymap(p.value)
    if p.qualifier == "more_than" then
      local up = p.value >= 0
      out[#out + 1] = triangle(cx, up and top - 12 or top + 12, up)
      top = up and top - 12 or top + 12
    end
  end
  local below = p.value < 0
  return below and math.max(top, zero) + 14 or math.min(top, zero) - 6
end

local function draw_point(p, cx, ymap, out)
  local y = ymap(p.value)
  local top = y
  if p.qualifier == "range" then
    local y0, y1 = ymap(p.low), ymap(p.high)
    out[#out + 1] = string.format('<path d="M%s %s V%s M%s %s h10 M%s %s h10" stroke="%s" stroke-width="1.5" fill="none"/>',
      num(cx), num(y0), num(y1), num(cx - 5), num(y0), num(cx - 5), num(y1), BAR)
    top = y1
  elseif p.qualifier == "more_than" then
    out[#out + 1] = triangle(cx, y - 16, true)
    top = y - 16
  elseif p.qualifier == "less_than" then
    out[#out + 1] = triangle(cx, y + 16, false)
  end
  local fill = p.qualifier == "less_than" and "#ffffff" or BAR
  out[#out + 1] = string.format('<circle cx="%s" cy="%s" r="4" fill="%s" stroke="%s" stroke-width="1.5"/>',
    num(cx), num(y), fill, BAR)
  return top - 8
end

local function legend_items(points, kind)
  local seen = {}
  for _, p in ipairs(points) do seen[p.qualifier] = true end
  local items = {}
  if seen.range and kind == "bar" then
    items[#items + 1] = {"range", "hatched: range, from its low to its high end"}
  elseif seen.range then
    items[#items + 1] = {"whisker", "bar: range, from its low to its high end"}
  end
  if seen.more_than then items[#items + 1] = {"more_than", "arrowhead up: more than the value shown"} end
  if seen.less_than and kind == "bar" then
    items[#items + 1] = {"less_than", "dashed: less than the value shown"}
  elseif seen.less_than then
    items[#items + 1] = {"below", "arrowhead down: less than the value shown"}
  end
  return items
end

-- Where each legend item goes: left to right, on a new row when the next
-- one would pass the right edge.  Returns the positions and the row count.
local function legend_layout(items)
  local x, row, places = 16, 0, {}
  for i, it in ipairs(items) do
    local w = 20 + text_w(it[2], FONT)
    if x > 16 and x + w > W - 16 then x, row = 16, row + 1 end
    places[i] = {x = x, row = row}
    x = x + w + 18
  end
  return places, #items > 0 and row + 1 or 0
end

local function draw_legend(items, places, top, id, out)
  for i, it in ipairs(items) do
    local x, y = places[i].x, top + places[i].row * 20
    if it[1] == "range" then
      out[#out + 1] = string.format('<rect x="%s" y="%s" width="14" height="10" fill="url(#%s-hatch)" stroke="%s"/>',
        num(x), num(y - 9), id, BAR)
    elseif it[1] == "whisker" then
      out[#out + 1] = string.format('<path d="M%s %s V%s M%s %s h10 M%s %s h10" stroke="%s" stroke-width="1.5" fill="none"/>',
        num(x + 7), num(y + 1), num(y - 11), num(x + 2), num(y + 1), num(x + 2), num(y - 11), BAR)
    elseif it[1] == "more_than" then
      out[#out + 1] = triangle(x + 7, y - 10, true)
    elseif it[1] == "below" then
      out[#out + 1] = triangle(x + 7, y, false)
    else
      out[#out + 1] = string.format('<rect x="%s" y="%s" width="14" height="10" fill="none" stroke="%s" stroke-dasharray="4 3"/>',
        num(x), num(y - 9), BAR)
    end
    out[#out + 1] = svg_text(x + 20, y, it[2], ' font-size="' .. FONT .. '" fill="' .. INK .. '"')
  end
end

--- The SVG element of a chart block; `id` makes its element ids unique in the page.
function M.render(block, id)
  local points = block.points
  local ax = axis(points, block.unit)
  local title_lines = fmt.wrap(block.title, math.floor((W - 32) / (TITLE_FONT * EM)))
  local plot_top = 16 + #title_lines * (TITLE_FONT + 5) + 22 -- room for a value above the top tick
  local tick_w = 0
  for _, t in ipairs(ax.ticks) do tick_w = math.max(tick_w, text_w(t.label, FONT)) end
  local left = 16 + FONT + 12 + tick_w + 8
  local right = W - 16
  local n = #points
  local band = (right - left) / n
  local cats = category_layout(points, band)
  local label_h = (cats.rows or 0) * (FONT + 3)
  if cats.slanted then -- the longest label at 35 degrees, plus its own height
    local longest = 0
    for _, p in ipairs(points) do longest = math.max(longest, text_w(p.label, FONT)) end
    label_h = longest * 0.574 + FONT + 8
  end
  local plot_bottom = plot_top + PLOT_H
  local xlabel_y = plot_bottom + 10 + label_h + (block.x_label and FONT + 8 or 0)
  local legend = legend_items(points, block.kind)
  local places, legend_rows = legend_layout(legend)
  local height = xlabel_y + (legend_rows > 0 and 6 + legend_rows * 20 or 0) + 12
  local function ymap(v) return plot_bottom - (v - ax.min) / (ax.max - ax.min) * PLOT_H end

  local out = {}
  local desc = {}
  for i, p in ipairs(points) do desc[i] = p.label .. ": " .. p.text end
  out[#out + 1] = string.format('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %s" '
    .. 'width="%d" height="%s" role="img" aria-labelledby="%s-title %s-desc" '
    .. 'font-family="Helvetica, Arial, sans-serif">', W, num(height), W, num(height), id, id)
  out[#out + 1] = '<title id="' .. id .. '-title">' .. esc(block.title) .. '</title>'
  out[#out + 1] = '<desc id="' .. id .. '-desc">' .. esc(table.concat(desc, "; ")) .. '</desc>'
  out[#out + 1] = '<defs><pattern id="' .. id .. '-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    .. 'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
    .. '<line x1="0" y1="0" x2="0" y2="6" stroke="' .. BAR .. '" stroke-width="2.5"/></pattern></defs>'
  for i, l in ipairs(title_lines) do
    out[#out + 1] = svg_text(16, 16 + i * (TITLE_FONT + 5) - 4, l,
      ' font-size="' .. TITLE_FONT .. '" font-weight="bold" fill="' .. INK .. '"')
  end
  -- grid and tick labels
  for _, t in ipairs(ax.ticks) do
    local y = ymap(t.value)
    out[#out + 1] = string.format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>',
      num(left), num(y), num(right), num(y), t.value == 0 and MUTED or GRID)
    out[#out + 1] = svg_text(left - 8, y + 4, t.label,
      ' font-size="' .. FONT .. '" text-anchor="end" fill="' .. INK .. '"')
  end
  out[#out + 1] = string.format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>',
    num(left), num(plot_top), num(left), num(plot_bottom), MUTED)
  -- the y axis label, with its unit, along the axis
  local ylabel = block.y_label .. (ax.unit and " (" .. ax.unit .. ")" or "")
  local cy = (plot_top + plot_bottom) / 2
  out[#out + 1] = string.format('<text transform="translate(%s %s) rotate(-90)" text-anchor="middle" '
    .. 'font-size="%d" fill="%s">%s</text>', num(16 + FONT), num(cy), FONT, INK, esc(ylabel))
  -- data
  local bw = math.min(band * 0.6, 90)
  local cxs, label_ys, line_pts = {}, {}, {}
  for i, p in ipairs(points) do
    cxs[i] = left + band * (i - 0.5)
    if block.kind == "bar" then
      label_ys[i] = draw_bar(p, cxs[i], bw, ymap, id, out)
    else
      line_pts[i] = num(cxs[i]) .. "," .. num(ymap(p.value))
    end
  end
  if block.kind == "line" then
    out[#out + 1] = '<polyline points="' .. table.concat(line_pts, " ") .. '" fill="none" stroke="'
      .. BAR .. '" stroke-width="2"/>'
    for i, p in ipairs(points) do label_ys[i] = draw_point(p, cxs[i], ymap, out) end
  end
  local values = value_labels(points, band)
  for i = 1, values and #points or 0 do
    out[#out + 1] = svg_text(cxs[i], label_ys[i], values[i],
      ' font-size="' .. VALUE_FONT .. '" text-anchor="middle" fill="' .. INK .. '"')
  end
  -- category labels and the x axis label
  for i, p in ipairs(points) do
    local cx = cxs[i]
    if cats.slanted then
      out[#out + 1] = string.format('<text transform="translate(%s %s) rotate(-35)" text-anchor="end" '
        .. 'font-size="%d" fill="%s">%s</text>', num(cx), num(plot_bottom + 16), FONT, INK, esc(p.label))
    else
      for k, l in ipairs(cats.lines[i]) do
        out[#out + 1] = svg_text(cx, plot_bottom + 6 + k * (FONT + 3), l,
          ' font-size="' .. FONT .. '" text-anchor="middle" fill="' .. INK .. '"')
      end
    end
  end
  if block.x_label then
    out[#out + 1] = svg_text((left + right) / 2, xlabel_y, block.x_label,
      ' font-size="' .. FONT .. '" text-anchor="middle" fill="' .. INK .. '"')
  end
  if #legend > 0 then draw_legend(legend, places, xlabel_y + 26, id, out) end
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n")
end

M.axis = axis

return M
