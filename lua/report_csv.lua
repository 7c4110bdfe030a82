-- tradescope.report_csv: the tables of a report as CSV (RFC 4180 quoting,
-- LF line ends, like the dataset's files), for spreadsheets and scripts.
--
-- Figures are machine values, not the prose forms: a column of quantities
-- becomes four (`value` the value, bound or low end as plain digits,
-- `value_high`, `value_unit`, `value_qualifier`), periods keep their
-- notation, and `source` names each row's sources (dataset ids or notes).
-- One table gives a plain CSV; several are written one after another, each
-- under a line "Table N: caption" and separated by an empty line, unless
-- opts.table = N picks one.
local fmt = require "tradescope.report_format"

local M = {}

local function field(s)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local function line(fields)
  local out = {}
  for i, s in ipairs(fields) do out[i] = field(s) end
  return table.concat(out, ",")
end

local function has_quantities(block, j)
  for _, r in ipairs(block.rows) do if r.cells[j].q then return true end end
  return false
end

local function header(block, wide)
  local out = {}
  for j, c in ipairs(block.columns) do
    local name = type(c.key) == "string" and c.key or c.label
    out[#out + 1] = name
    if wide[j] then
      for _, suffix in ipairs{"_high", "_unit", "_qualifier"} do out[#out + 1] = name .. suffix end
    end
  end
  if block.sourced then out[#out + 1] = "source" end
  return out
end

local function number_text(x) return x and fmt.plain(x) or "" end

local function cells(block, r, wide, notes)
  local out = {}
  for j, cell in ipairs(r.cells) do
    if wide[j] then
      local q = cell.q or {}
      out[#out + 1] = q.value and number_text(q.value) or cell.raw or cell.text
      out[#out + 1] = number_text(q.high)
      out[#out + 1] = q.unit or ""
      out[#out + 1] = q.qualifier or ""
    else
      out[#out + 1] = cell.raw or cell.text
    end
  end
  if block.sourced then
    local names = {}
    for _, n in ipairs(r.refs) do names[#names + 1] = notes[n].id or notes[n].text end
    out[#out + 1] = table.concat(names, "; ")
  end
  return out
end

local function table_csv(block, notes)
  local wide = {}
  for j = 1, #block.columns do wide[j] = has_quantities(block, j) end
  local out = {line(header(block, wide))}
  for _, r in ipairs(block.rows) do out[#out + 1] = line(cells(block, r, wide, notes)) end
  return table.concat(out, "\n") .. "\n"
end

function M.render(r, opts)
  local tables = {}
  for _, b in ipairs(r.blocks) do if b.type == "table" then tables[#tables + 1] = b end end
  if #tables == 0 then error("report: no tables to write as CSV", 0) end
  if opts.table ~= nil then
    local b = tables[opts.table]
    if not b then error("report: no table " .. tostring(opts.table) .. " (the report has " .. #tables .. ")", 0) end
    return table_csv(b, r.footnotes)
  end
  if #tables == 1 then return table_csv(tables[1], r.footnotes) end
  local parts = {}
  for _, b in ipairs(tables) do
    parts[#parts + 1] = field("Table " .. b.number .. (b.caption and ": " .. b.caption or "")) .. "\n"
      .. table_csv(b, r.footnotes)
  end
  return table.concat(parts, "\n")
end

return M
