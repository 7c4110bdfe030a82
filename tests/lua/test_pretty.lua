-- tradescope.pretty: exact text for the shapes analysts print in the REPL.
local A = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/assert.lua")
local pretty = require "tradescope.pretty"
local f = pretty.format

local function with_tostring(text)
  return setmetatable({}, {__tostring = function() return text end})
end

local T = {}

function T.scalars()
  A.eq(f(10), "10")
  A.eq(f(1.5), "1.5")
  A.eq(f(-0.0), "-0.0")
  A.eq(f(nil), "nil")
  A.eq(f(true), "true")
  A.eq(f("abc"), '"abc"')
end

function T.strings_are_quoted_on_one_line()
  A.eq(f('a\nb\t"c"\\'), [["a\nb\t\"c\"\\"]])
  A.eq(f("\0" .. "1\1x\127"), [["\0001\1x\127"]], "a digit after an escape keeps three digits")
  A.eq(f("Hải Phòng"), '"Hải Phòng"', "UTF-8 is left alone")
end

function T.sequences_are_compact()
  A.eq(f({}), "{}")
  A.eq(f({1, 2, 3}), "{1, 2, 3}")
  A.eq(f({"a", {1, 2}, {}}), '{"a", {1, 2}, {}}')
end

function T.keys_sorted_numbers_then_strings_then_others()
  local t = {10, 20, [5] = 5, [-1] = 0, [0.5] = 1, b = 2, a = 1, [true] = 3}
  A.eq(f(t), "{10, 20, [-1] = 0, [0.5] = 1, [5] = 5, a = 1, b = 2, [true] = 3}")
end

function T.keys_that_are_not_names_are_bracketed()
  A.eq(f({["end"] = 1, ["a b"] = 2, _x = 3, x1 = 4}), '{_x = 3, ["a b"] = 2, ["end"] = 1, x1 = 4}')
end

function T.nested_tables()
  A.eq(f({a = {b = {c = 1}}, list = {1, 2}}), "{a = {b = {c = 1}}, list = {1, 2}}")
end

function T.cycles_are_marked()
  local t = {1}
  t.me = t
  A.eq(f(t), "{1, me = <cycle>}")
  local a, b = {}, {}
  a.b, b.a = b, a
  A.eq(f(a), "{b = {a = <cycle>}}")
end

function T.shared_tables_are_not_cycles()
  local shared = {1}
  A.eq(f({shared, shared}), "{{1}, {1}}")
end

function T.depth_limit()
  local deep = {a = {b = {c = {d = {e = {}}}}}}
  A.eq(f(deep), "{a = {b = {c = {d = {...}}}}}", "default depth is 4")
  A.eq(f(deep, {depth = 2}), "{a = {b = {...}}}")
  A.eq(f({a = {b = {}}}, {depth = 1}), "{a = {...}}", "an empty table hides nothing")
end

function T.items_limit()
  local big = {}
  for i = 1, 10000 do big[i] = i end
  A.eq(f(big, {width = 1000}):match("%.%.%. %d+ more}$"), "... 9950 more}", "50 items by default")
  A.eq(f({1, 2, 3}, {items = 2}), "{1, 2, ... 1 more}")
  A.eq(f({x = 1, y = 2, z = 3}, {items = 0}), "{... 3 more}")
  A.eq(f({1, 2, x = 1, y = 2}, {items = 3}), "{1, 2, x = 1, ... 1 more}")
  local names = {}
  for i = 1000, 1, -1 do names["k" .. i] = i end
  A.eq(f(names, {items = 3}), "{k1 = 1, k10 = 10, k100 = 100, ... 997 more}",
    "the first keys in order, whatever the order of the table")
end

function T.width_breaks_and_packs_sequences()
  local big = {}
  for i = 1, 10000 do big[i] = i end
  A.eq(f(big, {width = 40}), table.concat({
    "{",
    "  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,",
    "  13, 14, 15, 16, 17, 18, 19, 20, 21,",
    "  22, 23, 24, 25, 26, 27, 28, 29, 30,",
    "  31, 32, 33, 34, 35, 36, 37, 38, 39,",
    "  40, 41, 42, 43, 44, 45, 46, 47, 48,",
    "  49, 50, ... 9950 more",
    "}",
  }, "\n"))
end

function T.width_breaks_records()
  A.eq(f({{name = "alpha", value = 1}, {name = "beta", value = 2}}, {width = 30}), table.concat({
    "{",
    '  {name = "alpha", value = 1},',
    '  {name = "beta", value = 2}',
    "}",
  }, "\n"))
  A.eq(f({a = {1, 2, 3}, b = {x = 1, y = 2}, c = "hello world"}, {width = 20}), table.concat({
    "{",
    "  a = {1, 2, 3},",
    "  b = {",
    "    x = 1,",
    "    y = 2",
    "  },",
    '  c = "hello world"',
    "}",
  }, "\n"))
end

function T.no_line_is_wider_than_the_width()
  local t = {}
  for i = 1, 30 do t["key" .. i] = {i, i * 2, name = "n" .. i} end
  for _, width in ipairs({20, 40, 80}) do
    for line in (f(t, {width = width}) .. "\n"):gmatch("(.-)\n") do
      A.truthy(#line <= width, "line fits " .. width .. ": " .. line)
    end
  end
end

function T.width_from_COLUMNS_or_80()
  local t = {}
  for i = 1, 40 do t[i] = i end
  local columns = os.getenv("COLUMNS")
  local width = tonumber(columns or "") or 80
  local first = f(t):match("^[^\n]*")
  A.truthy(#first <= width, "first line within " .. width)
end

function T.tostring_metamethod_is_used()
  A.eq(f(with_tostring("2023-Q1")), "2023-Q1")
  A.eq(f({p = with_tostring("2023-Q1")}), "{p = 2023-Q1}")
  local broken = setmetatable({}, {__tostring = function() error("no", 0) end})
  A.eq(f(broken), "<__tostring failed: no>")
end

-- A result set prints as a text table of several lines: inside a table it
-- goes below its key, indented.
function T.values_of_several_lines()
  A.eq(f(with_tostring("a  b\n-  -")), "a  b\n-  -")
  A.eq(f({rs = with_tostring("a  b\n-  -\n1  2"), n = 1}), table.concat({
    "{",
    "  n = 1,",
    "  rs =",
    "    a  b",
    "    -  -",
    "    1  2",
    "}",
  }, "\n"))
  A.eq(f({with_tostring("x\ny"), 1}), "{\n  x\n  y,\n  1\n}")
end

function T.userdata_prints_through_tostring()
  A.truthy(f(io.stdout):match("^file %(0x%x+%)$"), "io.stdout")
end

function T.color_only_when_asked()
  A.eq(f({1, "a"}, {color = true}), '{\27[36m1\27[0m, \27[32m"a"\27[0m}')
  A.eq(f({1, "a"}), '{1, "a"}')
end

function T.color_does_not_count_towards_width()
  local t = {}
  for i = 1, 10 do t[i] = i end
  A.eq(f(t, {width = 31, color = true}):find("\n"), nil, "fits on one line")
end

function T.bad_options()
  A.errors(function() f(1, 5) end, "bad argument #2 to 'format'")
  A.errors(function() f(1, {width = "wide"}) end, "opts.width must be a number")
end

function T.print_separates_with_tabs()
  local path = os.tmpname()
  local out = io.open(path, "w")
  local saved = io.stdout
  -- pretty.print writes to io.stdout: swap it for a file for the test
  io.stdout = out
  local ok, err = pcall(pretty.print, 1, "a", {1})
  io.stdout = saved
  out:close()
  local text = io.open(path):read("a")
  os.remove(path)
  A.truthy(ok, tostring(err))
  A.eq(text, '1\t"a"\t{1}\n')
end

-- help() prints from C, so it is looked at through a second process.
function T.help_is_registered()
  local cmd = string.format("%q -e %q", arg[-1],
    'local p = require "tradescope.pretty"; help(p.format); help(p.print); help()')
  local pipe = assert(io.popen(cmd))
  local text = pipe:read("a")
  pipe:close()
  A.truthy(text:find("pretty.format(v [, opts])", 1, true), "help(pretty.format): " .. text)
  A.truthy(text:find("pretty.print(...)", 1, true), "help(pretty.print)")
  A.truthy(text:find("\n  pretty +readable values"), "listed by help()")
end

return T
