-- tradescope.check — `check()` and `tradescope --check`: the dataset is
-- valid when it loads (every field is checked on load); the findings are the
-- figures that disagree across sources or cannot all be true.
local kbmod = require "tradescope.kb"

local M = {}

-- What identifies "the same figure" in each table, besides its period.
local KEYS = {
  trade = {"reporter", "partner", "via", "flow", "commodity"},
  tourism = {"origin", "destination"},
  routes = {"route", "metric"},
  targets = {"reporter", "partner", "flow"},
}

local function key_of(row, cols)
  local parts = {}
  for i, c in ipairs(cols) do parts[i] = row:text(c) or "" end
  return table.concat(parts, "|")
end

local function describe(row)
  return string.format("%s (%s, %s, %s)", row.id, row:text("period") or "no period",
    tostring(row.value), row.source)
end

-- Rows with a value and a period, grouped by what they measure.
local function groups(kb, tname)
  local by = {}
  for _, row in kb:find(tname):rows() do
    if row.value and row.period then
      local k = key_of(row, KEYS[tname])
      by[k] = by[k] or {}
      table.insert(by[k], row)
    end
  end
  return by
end

-- Two sources, the same figure, different values.
local function different_figures(rows, out)
  for i = 1, #rows do
    for j = i + 1, #rows do
      local a, b = rows[i], rows[j]
      if a.period == b.period and a.source ~= b.source and a.value ~= b.value then
        out[#out + 1] = {kind = "different figures", rows = {a.id, b.id},
          message = string.format("%s and %s give different figures for the same thing",
            describe(a), describe(b))}
      end
    end
  end
end

-- Cumulative figures from the same start: the longer period cannot be smaller.
local function shrinking_cumulative(rows, out)
  for _, long in ipairs(rows) do
    for _, short in ipairs(rows) do
      local lp, sp = long.period, short.period
      if long ~= short and lp:start() == sp:start() and lp:contains(sp) and lp ~= sp
          and quantity.compare(long.value, short.value) == -1 then
        out[#out + 1] = {kind = "cannot both be true", rows = {long.id, short.id},
          message = string.format("%s is smaller than %s, a shorter part of the same period "
            .. "counted from the same month: both cannot be true", describe(long), describe(short))}
      end
    end
  end
end

-- A reported change against the dataset's own figure for its basis period.
local function change_against_base(rows, out)
  for _, row in ipairs(rows) do
    local change = row.change
    local basis = change and row:text("change_basis")
    if basis and basis ~= "unspecified" then
      for _, base in ipairs(rows) do
        if tostring(base.period) == basis then
          local computed = (row.value / base.value - 1).value
          if math.abs(computed - change.value) > 0.01 then
            out[#out + 1] = {kind = "change disagrees", rows = {row.id, base.id},
              message = string.format("%s reports %+.1f %% against %s, but the figures give %+.1f %%",
                row.id, change.value * 100, describe(base), computed * 100)}
          end
        end
      end
    end
  end
end

local Report = {}
Report.__index = Report
Report.__name = "tradescope.check"

function Report.__tostring(r)
  local out = {string.format("dataset %s: valid (%s)", r.dir, r.summary)}
  if #r.findings == 0 then
    out[#out + 1] = "no conflicts between sources"
  else
    out[#out + 1] = string.format("%d finding%s:", #r.findings, #r.findings == 1 and "" or "s")
    for i, f in ipairs(r.findings) do
      out[#out + 1] = string.format("%d. [%s] %s", i, f.kind, f.message)
    end
  end
  return table.concat(out, "\n")
end

--- check(): loads and validates the dataset, and lists conflicts between sources.
function M.check()
  local kb = kbmod.get()
  local counts, findings = {}, {}
  for _, name in ipairs(dataset.tables()) do
    counts[#counts + 1] = string.format("%s %d", name, #kb:find(name))
  end
  for tname in pairs(KEYS) do
    local by = groups(kb, tname)
    local keys = {}
    for k in pairs(by) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      different_figures(by[k], findings)
      shrinking_cumulative(by[k], findings)
      change_against_base(by[k], findings)
    end
  end
  table.sort(findings, function(a, b) return a.message < b.message end)
  return setmetatable({dir = kbmod.dir(), summary = table.concat(counts, ", "),
    findings = findings, valid = true}, Report)
end

tradescope.sethelp(M.check, "check(): validate the dataset and list conflicts between sources")
_G.check = M.check

return M
