-- facts.lua — every observation of every domain of the dataset, one line
-- each: what it measures, its period (or date), qualifier, value in base
-- units as plain digits, and the seed file of its source.
--
--   tradescope scripts/facts.lua [--csv] [--help]
local usage = "usage: tradescope scripts/facts.lua [--csv]\n" ..
  "Lists every observation of the dataset (--csv: as CSV on standard output)."

local as_csv = false
for _, a in ipairs(arg) do
  if a == "--csv" then as_csv = true
  elseif a == "--help" or a == "-h" then print(usage) os.exit(0)
  else io.stderr:write("facts.lua: unknown argument '", a, "'\n", usage, "\n") os.exit(2) end
end

-- What each table's rows are about, as "field field ..." in reading order.
local SUBJECT = {
  trade = {"reporter", "partner", "via", "flow", "commodity"},
  routes = {"route", "mode", "status", "metric"},
  tourism = {"origin", "destination"},
  agreements = {"kind", "event", "parties", "level"},
  targets = {"subject", "reporter", "partner", "flow"},
  rankings = {"subject", "area", "among"},
  other = {"subject", "area"},
}
local TABLES = {"trade", "routes", "tourism", "agreements", "targets", "rankings", "other"}
local COLUMNS = {"table", "id", "subject", "period", "date", "qualifier", "value", "value_high",
  "unit", "change", "change_basis", "seed_file"}

local seed = {}
for _, s in sources.all():rows() do seed[s.id] = s.seed_file end

local function has(row, col)
  for _, c in ipairs(_G[row.table].columns) do if c == col then return true end end
  return false
end

local function text(row, col) return has(row, col) and row:text(col) or "" end

local function subject(row)
  local parts = {}
  for _, c in ipairs(SUBJECT[row.table]) do
    local v = row:text(c)
    if v then parts[#parts + 1] = v end
  end
  return table.concat(parts, " ")
end

local function record(row)
  local value = text(row, "value")
  if row.table == "rankings" then value = row:text("rank") end
  return {
    table = row.table, id = row.id, subject = subject(row),
    period = text(row, "period"), date = text(row, "date"),
    qualifier = text(row, "qualifier") ~= "" and text(row, "qualifier")
      or (row.table == "rankings" and "exact" or ""),
    value = value or "", value_high = text(row, "value_high"), unit = text(row, "unit"),
    change = text(row, "change"), change_basis = text(row, "change_basis"),
    seed_file = seed[row.source],
  }
end

local records = {}
for _, t in ipairs(TABLES) do
  for _, row in _G[t].all():rows() do records[#records + 1] = record(row) end
end

local function csv_field(s)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

if as_csv then
  print(table.concat(COLUMNS, ","))
  for _, r in ipairs(records) do
    local out = {}
    for i, c in ipairs(COLUMNS) do out[i] = csv_field(r[c]) end
    print(table.concat(out, ","))
  end
else
  for _, r in ipairs(records) do
    if utf8.len(r.subject) > 48 then r.subject = r.subject:sub(1, utf8.offset(r.subject, 48) - 1) .. "…" end
  end
  local widths = {}
  for i, c in ipairs(COLUMNS) do widths[i] = #c end
  for _, r in ipairs(records) do
    for i, c in ipairs(COLUMNS) do widths[i] = math.max(widths[i], utf8.len(r[c]) or #r[c]) end
  end
  local function line(get)
    local out = {}
    for i, c in ipairs(COLUMNS) do
      local s = get(c)
      out[i] = s .. string.rep(" ", widths[i] - (utf8.len(s) or #s))
    end
    print((table.concat(out, "  "):gsub("%s+$", "")))
  end
  line(function(c) return c end)
  for _, r in ipairs(records) do line(function(c) return r[c] end) end
  print(string.format("(%d observations)", #records))
end
