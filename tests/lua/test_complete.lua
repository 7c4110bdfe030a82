-- tradescope.complete: what Tab offers for names, fields and methods.
local A = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/assert.lua")
local complete = require "tradescope.complete"
local c = complete.candidates

local function list(t) return table.concat(t, " ") end

-- A small world of globals, so that the answers do not depend on _G.
local function env()
  local methods = {rows = function() end, sum = function() end, count = 3}
  local base = {describe = function() end}
  setmetatable(methods, {__index = base})
  local resultset = setmetatable({n = 1}, {__index = methods})
  return {
    trade = {find = function() end, flows = {export = 1, import = 2}, ["not a name"] = 1},
    tourism = {},
    rs = resultset,
    a = {b = {c = {deep = 1, deeper = 2}}},
    print = print,
    ["end"] = 1,
  }
end

local T = {}

function T.keywords_and_globals()
  A.eq(list(c("t", "", env())), "then tourism trade true")
  A.eq(list(c("wh", "", env())), "while")
  A.eq(list(c("en", "", env())), "end", "a global named like a keyword is not offered twice")
end

function T.globals_of_the_real_environment()
  A.eq(list(c("coroutin")), "coroutine")
  A.eq(list(c("string.fo")), "string.format")
end

function T.fields()
  A.eq(list(c("trade.", "", env())), "trade.find trade.flows", "names only")
  A.eq(list(c("trade.fl", "", env())), "trade.flows")
  A.eq(list(c("trade.flows.ex", "", env())), "trade.flows.export")
end

function T.nested_fields()
  A.eq(list(c("a.b.c.d", "", env())), "a.b.c.deep a.b.c.deeper")
  A.eq(list(c("a.x.y", "", env())), "", "a missing table gives nothing")
  A.eq(list(c("a.b.c.deep.x", "", env())), "", "a number has no fields")
end

function T.methods_through_metatables()
  A.eq(list(c("rs:", "", env())), "rs:describe rs:rows rs:sum", "functions only, chained __index")
  A.eq(list(c("rs.", "", env())), "rs.count rs.describe rs.n rs.rows rs.sum")
end

function T.methods_of_userdata()
  A.eq(list(c("io.stdout:wr")), "io.stdout:write")
  A.truthy(list(c("io.stdout:")):find("io.stdout:close", 1, true), "all file methods")
end

-- A C type whose __index is a function keeps its methods in __methods.
function T.methods_kept_in_a_methods_metafield()
  local methods = {rows = function() end, sum = function() end}
  local rs = setmetatable({}, {
    __index = function(_, k) return methods[k] end,
    __methods = methods,
  })
  A.eq(list(c("rs:", "", {rs = rs})), "rs:rows rs:sum")
  A.eq(list(c("rs:", "", {rs = setmetatable({}, {__methods = methods})})), "",
    "without __index, __methods means nothing")
end

function T.methods_of_strings()
  local e = {s = "text"}
  A.eq(list(c("s:up", "", e)), "s:upper")
end

function T.nothing_inside_strings_or_comments()
  A.eq(list(c("string.fo", 'print("')), "")
  A.eq(list(c("string.fo", "x = 'it''s ")), "")
  A.eq(list(c("string.fo", "x = [==[ ")), "")
  A.eq(list(c("string.fo", "-- ")), "")
  A.eq(list(c("string.fo", "x = 1 --[[ ")), "")
  A.eq(list(c("string.fo", 'print("a\\"b", ')), "string.format", "after a closed string")
  A.eq(list(c("string.fo", "x = [[a]] .. ")), "string.format", "after a closed long string")
  A.eq(list(c("string.fo", "--[[ c ]] ")), "string.format", "after a closed comment")
end

function T.not_a_name_path()
  A.eq(list(c("1.5", "")), "")
  A.eq(list(c(".fo", "")), "", "a field of an expression cannot be looked up")
  A.eq(list(c("a:b.c", "", env())), "")
  A.eq(list(c("trade.1", "", env())), "")
end

function T.broken_index_is_harmless()
  local calls = 0
  local trap = setmetatable({}, {__index = function() calls = calls + 1; error("boom") end})
  local loop = setmetatable({x = 1}, {})
  getmetatable(loop).__index = loop
  local locked = setmetatable({y = 1}, {__metatable = "locked", __index = {z = 1}})
  local e = {trap = trap, loop = loop, locked = locked, odd = setmetatable({}, {__index = 42})}
  A.eq(list(c("trap.", "", e)), "")
  A.eq(list(c("trap.a.b", "", e)), "")
  A.eq(calls, 0, "an __index function is never called")
  A.eq(list(c("loop.", "", e)), "loop.x", "a loop of __index tables ends")
  A.eq(list(c("loop.nothing.", "", e)), "")
  A.eq(list(c("locked.", "", e)), "locked.y locked.z")
  A.eq(list(c("odd.", "", e)), "")
end

function T.never_raises()
  A.eq(list(c(nil)), "")
  A.eq(list(c({}, 5, 7)), "")
  A.eq(list(c("x.", nil, setmetatable({}, {__index = function() error("x") end}))), "")
end

return T
