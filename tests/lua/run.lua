-- Lua-level test runner: `tradescope tests/lua/run.lua [pattern]`.
-- Each tests/lua/test_*.lua returns a table of name -> function; a test
-- fails by raising an error.  The last line is "N passed, M failed".
local lfs = require "lfs"

local dir = arg[0]:match("^(.*)/[^/]*$") or "."
local pattern = arg[1]
local files = {}
for f in lfs.dir(dir) do
  if f:match("^test_.*%.lua$") and (not pattern or f:find(pattern, 1, true)) then
    files[#files + 1] = f
  end
end
table.sort(files)

local passed, failed = 0, 0
for _, f in ipairs(files) do
  local chunk, err = loadfile(dir .. "/" .. f)
  local ok, suite = false, err
  if chunk then ok, suite = pcall(chunk) end
  if not ok or type(suite) ~= "table" then
    failed = failed + 1
    io.write("FAIL ", f, ": cannot load: ", tostring(suite), "\n")
  else
    local names = {}
    for name in pairs(suite) do names[#names + 1] = name end
    table.sort(names)
    for _, name in ipairs(names) do
      local tok, terr = xpcall(suite[name], debug.traceback)
      if tok then
        passed = passed + 1
      else
        failed = failed + 1
        io.write("FAIL ", f, ": ", name, ": ", tostring(terr), "\n")
      end
    end
  end
end
io.write(string.format("%d passed, %d failed\n", passed, failed))
os.exit(failed == 0 and 0 or 1)
