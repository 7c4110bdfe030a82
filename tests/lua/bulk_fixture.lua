-- bulk_fixture.lua — BACI fixture files for the bulk tests: a fixed
-- pseudo-random set of rows, as a Lua list and as BACI CSV in a fresh
-- directory.  Loaded with dofile by the bulk tests (not a test file itself).
local lfs = require "lfs"

local F = {}

function F.tmpdir()
  local name = os.tmpname()
  os.remove(name)
  assert(lfs.mkdir(name))
  return name
end

function F.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

function F.rmtree(dir)
  for f in lfs.dir(dir) do
    if f ~= "." and f ~= ".." then os.remove(dir .. "/" .. f) end
  end
  lfs.rmdir(dir)
end

-- Fixture rows: a fixed pseudo-random set, as a Lua list and as BACI CSV.
F.COUNTRIES = {704, 643, 156, 418, 116, 842, 251, 490}
F.CODES = {"010121", "010129", "030111", "030489", "847130", "847150", "9999AA", "270900"}

-- A fixed pseudo-random sequence: rnd(k) is 1..k.
function F.random(seed)
  local s = seed
  return function(k)
    s = (s * 1103515245 + 12345) % 2147483648
    return (s // 65536) % k + 1
  end
end

function F.fixture_rows(n, year, seed)
  local rnd, rows, seen = F.random(seed), {}, {}
  while #rows < n do
    local r = {t = year, i = F.COUNTRIES[rnd(#F.COUNTRIES)], j = F.COUNTRIES[rnd(#F.COUNTRIES)],
               k = F.CODES[rnd(#F.CODES)], v = rnd(1000000) / 1000}
    r.q = rnd(10) == 1 and nil or rnd(5000) / 100
    local key = r.i .. "," .. r.j .. "," .. r.k
    if not seen[key] then
      seen[key] = true
      rows[#rows + 1] = r
    end
  end
  return rows
end

function F.csv_of(rows)
  local out = {"t,i,j,k,v,q"}
  for _, r in ipairs(rows) do
    out[#out + 1] = string.format("%d,%d,%d,%s,%.3f,%s", r.t, r.i, r.j, r.k, r.v,
      r.q and string.format("%.2f", r.q) or "NA")
  end
  return table.concat(out, "\n") .. "\n"
end

F.ROWS = F.fixture_rows(200, 2022, 11)

function F.with_fixture(fn)
  local dir = F.tmpdir()
  local ok, err = pcall(fn, dir, F.write(dir .. "/BACI_HS17_Y2022_V202401.csv", F.csv_of(F.ROWS)))
  F.rmtree(dir)
  if not ok then error(err, 0) end
end

return F
