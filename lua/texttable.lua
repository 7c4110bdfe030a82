-- tradescope.texttable — aligned text tables, the one layout that printed
-- result sets, bulk datasets, analysis scripts and text reports share:
--   header, a rule of dashes, rows; columns two spaces apart, trailing
--   spaces dropped; widths counted in UTF-8 characters.
local M = {}

--- The width of s in characters (bytes when s is not UTF-8).
function M.width(s) return utf8.len(s) or #s end

--- s cut to `max` characters with "…" when longer.
function M.clip(s, max)
  if M.width(s) <= max then return s end
  return s:sub(1, utf8.offset(s, max) - 1) .. "…"
end

--- s padded with spaces to `width` characters (left-aligned, or right when `right`).
function M.pad(s, width, right)
  local fill = string.rep(" ", math.max(0, width - M.width(s)))
  return right and fill .. s or s .. fill
end

--- The lines of a table: `cols` the headers, `rows` lists of strings (a
--- missing cell is empty); columns j with right[j] are right-aligned.
function M.lines(cols, rows, right)
  right = right or {}
  local widths = {}
  for j, c in ipairs(cols) do
    widths[j] = M.width(c)
    for _, row in ipairs(rows) do widths[j] = math.max(widths[j], M.width(row[j] or "")) end
  end
  local out = {}
  local function emit(cells, align)
    local parts = {}
    for j = 1, #cols do parts[j] = M.pad(cells[j] or "", widths[j], align and align[j]) end
    out[#out + 1] = (table.concat(parts, "  "):gsub("%s+$", ""))
  end
  emit(cols, right)
  local rule = {}
  for j = 1, #cols do rule[j] = string.rep("-", widths[j]) end
  emit(rule)
  for _, row in ipairs(rows) do emit(row, right) end
  return out
end

--- The same table as one string.
function M.render(cols, rows, right)
  return table.concat(M.lines(cols, rows, right), "\n")
end

return M
