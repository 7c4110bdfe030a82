--@global pretty
-- tradescope.pretty: values as readable text, for the REPL and for scripts.
--
--   pretty.format(v [, opts]) -> string
--   pretty.print(...)          prints each value formatted, separated by tabs
--
-- Tables are printed with sorted keys (numbers in order, then strings, then
-- the rest), sequences compactly, nested tables indented once a table no
-- longer fits the width.  Printing never recurses forever (a table inside
-- itself prints as <cycle>), never goes deeper than opts.depth ({...}) and
-- shows at most opts.items entries per table ("... N more"), so that a
-- ten-million-row table is safe to look at.  A value whose metatable has
-- __tostring prints through it: result sets and periods print their own way.

local M = {}

local DEFAULTS = {depth = 4, items = 50}

local KEYWORDS = {}
for w in ([[and break do else elseif end false for function goto if in local
  nil not or repeat return then true until while]]):gmatch("%a+") do
  KEYWORDS[w] = true
end

-- ANSI SGR codes by kind of atom.
local COLORS = {
  string = "32", number = "36", boolean = "35", ["nil"] = "35",
  ["function"] = "33", userdata = "33", thread = "33", marker = "90",
}

local getmetatable = debug and debug.getmetatable or getmetatable

local function default_width()
  local columns = tonumber(os.getenv("COLUMNS") or "")
  if columns and columns >= 10 then return math.floor(columns) end
  return 80
end

-- An atom is text that is never broken; `len` is its visible length,
-- which colour escapes do not count towards.  Text of several lines (a
-- result set's __tostring) is a block: it never fits on a line with others.
local function atom(text, kind, opts)
  if text:find("\n", 1, true) then
    return {text = text, len = math.huge, block = true}
  end
  if opts.color and COLORS[kind] then
    return {text = "\27[" .. COLORS[kind] .. "m" .. text .. "\27[0m", len = #text}
  end
  return {text = text, len = #text}
end

local ESCAPES = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\a"] = "\\a", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t", ["\v"] = "\\v",
}

-- As %q, but a newline is written \n so that a string stays on one line.
-- Control bytes are listed, not %c, whose meaning follows the locale.
local function quote(s)
  return '"' .. s:gsub('([\0-\31\127"\\])(%d?)', function(c, digit)
    local e = ESCAPES[c]
    if e then return e .. digit end
    return string.format(digit == "" and "\\%d" or "\\%03d", c:byte()) .. digit
  end) .. '"'
end

local function has_tostring(v)
  local mt = getmetatable(v)
  return type(mt) == "table" and rawget(mt, "__tostring") ~= nil
end

-- tostring that never raises: a failing __tostring is shown, not thrown.
local function safe_tostring(v)
  local ok, s = pcall(tostring, v)
  if ok and type(s) == "string" then return s end
  return "<__tostring failed: " .. tostring(ok and "returned " .. type(s) or s) .. ">"
end

local function scalar(v, opts)
  local t = type(v)
  if t == "string" then return atom(quote(v), "string", opts) end
  if t == "table" or t == "userdata" then
    return atom(safe_tostring(v), has_tostring(v) and "custom" or t, opts)
  end
  return atom(safe_tostring(v), t, opts)
end

local TYPE_ORDER = {number = 1, string = 2}

-- Numbers first in numeric order, then strings, then other keys grouped by
-- type (booleans, tables, ...) in a stable order of their text.
local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then
    local oa, ob = TYPE_ORDER[ta] or 3, TYPE_ORDER[tb] or 3
    if oa ~= ob then return oa < ob end
    return ta < tb
  end
  if ta == "number" or ta == "string" then return a < b end
  return safe_tostring(a) < safe_tostring(b)
end

local function key_text(k, opts)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") and not KEYWORDS[k] then
    return atom(k, nil, opts)
  end
  local inner = scalar(k, opts)
  return {text = "[" .. inner.text .. "]", len = inner.len + 2}
end

-- The length of the sequence part 1..n (raw: no __index, no __len).
local function sequence_length(t)
  local n = 0
  while rawget(t, n + 1) ~= nil do n = n + 1 end
  return n
end

local function insert_sorted(keys, k)
  local lo, hi = 1, #keys + 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if key_less(keys[mid], k) then lo = mid + 1 else hi = mid end
  end
  table.insert(keys, lo, k)
end

-- The first `limit` keys outside the sequence part, in order, and how many
-- such keys there are.  Only those shown are kept sorted, so a table with a
-- million keys costs one pass, not a sort.
local function first_keys(t, n, limit)
  local keys, count = {}, 0
  for k in next, t do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then
      count = count + 1
      if #keys < limit then
        insert_sorted(keys, k)
      elseif limit > 0 and key_less(k, keys[limit]) then
        keys[limit] = nil
        insert_sorted(keys, k)
      end
    end
  end
  return keys, count
end

local build

-- A table node: its entries ({key = atom or nil, value = node}) up to the
-- item limit, and how many entries were left out.
local function build_table(t, level, opts, path)
  if next(t) == nil then return atom("{}", nil, opts) end
  if path[t] then return atom("<cycle>", "marker", opts) end
  if level > opts.depth then return atom("{...}", "marker", opts) end
  path[t] = true
  local n = sequence_length(t)
  local entries = {}
  for i = 1, math.min(n, opts.items) do
    entries[i] = {value = build(rawget(t, i), level + 1, opts, path)}
  end
  local keys, count = first_keys(t, n, opts.items - #entries)
  for _, k in ipairs(keys) do
    entries[#entries + 1] = {key = key_text(k, opts), value = build(rawget(t, k), level + 1, opts, path)}
  end
  path[t] = nil
  local more = n + count - #entries
  return {entries = entries, more = more > 0 and atom("... " .. more .. " more", "marker", opts) or nil}
end

build = function(v, level, opts, path)
  if type(v) == "table" and not has_tostring(v) then
    return build_table(v, level, opts, path)
  end
  return scalar(v, opts)
end

-- The length of a node written on one line, computed once per node.
local function flat_len(node)
  if node.len then return node.len end
  local len = 2 -- braces
  for i, e in ipairs(node.entries) do
    if i > 1 then len = len + 2 end
    if e.key then len = len + e.key.len + 3 end
    len = len + flat_len(e.value)
  end
  if node.more then len = len + (#node.entries > 0 and 2 or 0) + node.more.len end
  node.len = len
  return len
end

local function flat(node, out)
  if node.text then
    out[#out + 1] = node.text
    return
  end
  out[#out + 1] = "{"
  for i, e in ipairs(node.entries) do
    if i > 1 then out[#out + 1] = ", " end
    if e.key then out[#out + 1] = e.key.text .. " = " end
    flat(e.value, out)
  end
  if node.more then
    out[#out + 1] = (#node.entries > 0 and ", " or "") .. node.more.text
  end
  out[#out + 1] = "}"
end

local layout

-- A block goes below its key, every line indented.
local function block_entry(e, inner, out)
  local indent = e.key and inner .. "  " or inner
  if e.key then out[#out + 1] = e.key.text .. " =\n" .. indent end
  out[#out + 1] = (e.value.text:gsub("\n", "\n" .. indent))
end

-- Values without keys are packed as many to a line as fit (a sequence of
-- numbers stays compact); returns the column reached.
local function packed_entry(e, col, inner, tail, opts, out)
  local len = flat_len(e.value)
  if col and col + 1 + len + tail <= opts.width then
    out[#out + 1] = " "
    col = col + 1 + len
  else
    out[#out + 1] = "\n" .. inner
    col = #inner + len
  end
  flat(e.value, out)
  return col
end

local function keyed_entry(e, inner, tail, opts, out)
  local start = #inner
  if e.key then
    out[#out + 1] = e.key.text .. " = "
    start = start + e.key.len + 3
  end
  layout(e.value, start, inner, tail, opts, out)
end

-- A table that does not fit on one line: an entry to a line, except for
-- packed values without keys.
local function broken(node, indent, opts, out)
  local inner = indent .. "  "
  local col = nil -- the column reached on a line of packed values, or nil
  local total = #node.entries + (node.more and 1 or 0)
  out[#out + 1] = "{"
  for i = 1, total do
    local e = node.entries[i] or {value = node.more}
    local tail = i < total and 1 or 0
    local v = e.value
    if v.block then
      out[#out + 1] = "\n" .. inner
      block_entry(e, inner, out)
      col = nil
    elseif not e.key and (v.text or #inner + flat_len(v) + tail <= opts.width) then
      col = packed_entry(e, col, inner, tail, opts, out)
    else
      out[#out + 1] = "\n" .. inner
      keyed_entry(e, inner, tail, opts, out)
      col = nil
    end
    if tail == 1 then
      out[#out + 1] = ","
      if col then col = col + 1 end
    end
  end
  out[#out + 1] = "\n" .. indent .. "}"
end

-- Writes a node starting at column `col`; `tail` characters (a comma) follow it.
layout = function(node, col, indent, tail, opts, out)
  if node.text or col + flat_len(node) + tail <= opts.width then
    flat(node, out)
  else
    broken(node, indent, opts, out)
  end
end

local function check_opts(opts)
  if opts == nil then opts = {} end
  if type(opts) ~= "table" then
    error("bad argument #2 to 'format' (table expected, got " .. type(opts) .. ")", 3)
  end
  local o = {}
  for _, name in ipairs({"width", "depth", "items"}) do
    local v = opts[name]
    if v ~= nil and type(v) ~= "number" then
      error("bad argument #2 to 'format' (opts." .. name .. " must be a number)", 3)
    end
    o[name] = v and math.floor(v)
  end
  o.width = math.max(o.width or default_width(), 1)
  o.depth = math.max(o.depth or DEFAULTS.depth, 0)
  o.items = math.max(o.items or DEFAULTS.items, 0)
  o.color = opts.color == true
  return o
end

function M.format(value, opts)
  opts = check_opts(opts)
  local out = {}
  layout(build(value, 1, opts, {}), 0, "", 0, opts, out)
  return table.concat(out)
end

function M.print(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = M.format((select(i, ...))) end
  io.stdout:write(table.concat(parts, "\t"), "\n")
end

local host = rawget(_G, "tradescope")
if type(host) == "table" and host.sethelp and host.addmodule then
  host.sethelp(M.format, "pretty.format(v [, opts]): v as readable text; "
    .. "opts: width, depth (4), items (50), color (false)")
  host.sethelp(M.print, "pretty.print(...): print values readably, separated by tabs")
  host.addmodule("pretty", "readable values: format(v, opts), print(...)")
end

return M
