-- tradescope.complete: what Tab offers in the REPL.
--
--   complete.candidates(word [, before [, env]]) -> sorted list of words
--
-- `word` is the text being completed: a name ("pri"), a field path
-- ("string.fo", "a.b.c") or a method call ("io.stdout:wr"); `before` is the
-- line in front of it, used only to stay quiet inside strings and comments;
-- `env` is the table of globals (default _G).  Candidates are whole
-- replacements for `word` ("string.format").
--
-- Looking things up never runs user code: fields are read with rawget and
-- through metatables' __index *tables* only (an __index function could do
-- anything, so it is not called; its type's `__methods` table is read
-- instead, if it has one), and nothing here raises an error.

local M = {}

local KEYWORD_LIST = {
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function",
  "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
  "true", "until", "while",
}
local KEYWORDS = {}
for _, w in ipairs(KEYWORD_LIST) do KEYWORDS[w] = true end

-- How many __index tables a lookup follows (a loop of __index tables ends).
local MAX_CHAIN = 32

local rawmeta = debug and debug.getmetatable or getmetatable

local function is_name(s)
  return type(s) == "string" and s:match("^[%a_][%w_]*$") ~= nil and not KEYWORDS[s]
end

-- Where v's metatable keeps what v.k finds: its __index table or, when
-- __index is a function, a `__methods` table (the tradescope bindings' C
-- types, e.g. result sets, keep their methods there); else nil.
local function index_table(v)
  local mt = rawmeta(v)
  if type(mt) ~= "table" then return nil end
  local idx = rawget(mt, "__index")
  if type(idx) == "table" then return idx end
  local methods = rawget(mt, "__methods")
  if idx ~= nil and type(methods) == "table" then return methods end
  return nil
end

-- v[k] as Lua would find it through __index tables, without calling anything.
local function lookup(v, k)
  for _ = 1, MAX_CHAIN do
    if type(v) == "table" then
      local r = rawget(v, k)
      if r ~= nil then return r end
    end
    v = index_table(v)
    if v == nil then return nil end
  end
  return nil
end

local function callable(v)
  if type(v) == "function" then return true end
  local mt = rawmeta(v)
  return type(mt) == "table" and rawget(mt, "__call") ~= nil
end

-- The names starting with `prefix` that v has, directly or through its
-- __index tables; with `methods`, only those whose value can be called.
local function field_names(v, prefix, methods, into)
  local seen_tables = {}
  for _ = 1, MAX_CHAIN do
    if type(v) == "table" and not seen_tables[v] then
      seen_tables[v] = true
      for k, value in next, v do
        if is_name(k) and k:sub(1, #prefix) == prefix and (not methods or callable(value)) then
          into[k] = true
        end
      end
    end
    v = index_table(v)
    if v == nil then break end
  end
  return into
end

-- Skips a long bracket "[==[" at i; returns the index after its closing
-- bracket, or nil if it does not close on this line.
local function skip_long_bracket(s, i)
  local eqs = s:match("^%[(=*)%[", i)
  local close = s:find("]" .. eqs .. "]", i + #eqs + 2, true)
  return close and close + #eqs + 2 or nil
end

-- Skips a quoted string starting at i; nil if it is still open at the end.
local function skip_quoted(s, i)
  local q, j = s:sub(i, i), i + 1
  while j <= #s do
    local c = s:sub(j, j)
    if c == "\\" then
      j = j + 2
    elseif c == q then
      return j + 1
    else
      j = j + 1
    end
  end
  return nil
end

-- True when the end of `s` lies inside a string literal or a comment.
function M.in_string_or_comment(s)
  local i = 1
  while i <= #s do
    local c = s:sub(i, i)
    if c == '"' or c == "'" then
      i = skip_quoted(s, i)
    elseif c == "-" and s:sub(i + 1, i + 1) == "-" then
      if not s:match("^%[=*%[", i + 2) then return true end
      i = skip_long_bracket(s, i + 2)
    elseif s:match("^%[=*%[", i) then
      i = skip_long_bracket(s, i)
    else
      i = i + 1
    end
    if i == nil then return true end
  end
  return false
end

-- Splits "a.b:c" into the path {"a", "b"}, the separator and the prefix;
-- nil when `word` is not a name path.
local function parse(word)
  local path, sep, prefix = word:match("^(.-)([.:]?)([%w_]*)$")
  if path == nil or prefix:match("^%d") then return nil end
  local names = {}
  if sep == "" then
    if path ~= "" then return nil end
    return names, sep, prefix
  end
  for name in (path .. "."):gmatch("(.-)%.") do
    if not is_name(name) then return nil end
    names[#names + 1] = name
  end
  return names, sep, prefix
end

local function sorted_keys(set)
  local list = {}
  for k in pairs(set) do list[#list + 1] = k end
  table.sort(list)
  return list
end

local function globals(env, prefix)
  local names = field_names(env, prefix, false, {})
  for _, w in ipairs(KEYWORD_LIST) do
    if w:sub(1, #prefix) == prefix then names[w] = true end
  end
  return sorted_keys(names)
end

local function fields(env, names, sep, prefix)
  local v = env
  for _, name in ipairs(names) do
    v = lookup(v, name)
    if v == nil then return {} end
  end
  local head = table.concat(names, ".") .. sep
  local list = sorted_keys(field_names(v, prefix, sep == ":", {}))
  for i, name in ipairs(list) do list[i] = head .. name end
  return list
end

local function candidates(word, before, env)
  if type(word) ~= "string" then return {} end
  if type(before) == "string" and M.in_string_or_comment(before) then return {} end
  local names, sep, prefix = parse(word)
  if names == nil then return {} end
  if sep == "" then return globals(env, prefix) end
  return fields(env, names, sep, prefix)
end

function M.candidates(word, before, env)
  local ok, list = pcall(candidates, word, before, env == nil and _G or env)
  if ok then return list end
  return {}
end

return M
