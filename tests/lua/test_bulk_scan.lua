-- trade.scan_baci: BACI files grouped while they are read, a block at a
-- time.  Every expected figure is computed here by a plain loop over the
-- rows the test wrote, never by the code under test; blocks of a few bytes
-- make every fixture many blocks.
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local A = dofile(here .. "/assert.lua")
local F = dofile(here .. "/bulk_fixture.lua")

local T = {}
local ROWS = F.ROWS

-- sum, rows, values present, min, max of field `f` over the rows passing
-- pred, by key(r).
local function loop(pred, key, f)
  local out = {}
  for _, r in ipairs(ROWS) do
    if pred(r) then
      local k = key(r)
      local g = out[k] or {sum = 0, count = 0, n = 0}
      out[k] = g
      g.count = g.count + 1
      local v = r[f]
      if v then
        g.sum, g.n = g.sum + v, g.n + 1
        g.min, g.max = math.min(g.min or v, v), math.max(g.max or v, v)
      end
    end
  end
  return out
end

local function all() return true end

local function check(result, key_of, want, aggs)
  local seen = 0
  for _, row in result:rows() do
    local g = want[key_of(row)]
    A.truthy(g, "no such group: " .. tostring(key_of(row)))
    seen = seen + 1
    for _, a in ipairs(aggs) do
      local got, expect = row[a[1]], a[2](g)
      if expect == nil then A.eq(got, nil, a[1])
      else A.near(got, expect, 1e-9 * math.max(1, math.abs(expect)), a[1]) end
    end
  end
  local groups = 0
  for _ in pairs(want) do groups = groups + 1 end
  A.eq(seen, groups, "groups")
end

function T.sums_by_exporter_match_a_loop_in_any_blocks()
  F.with_fixture(function(_, path)
    local want = loop(all, function(r) return r.i end, "v")
    for _, block in ipairs({1, 100, 4096, nil}) do
      for threads = 1, 2 do
        local s = trade.scan_baci(path, {block = block, threads = threads, progress = false})
        local g = s:group{"exporter"}:sum("value")
        check(g, function(row) return row.exporter end, want, {{"value", function(x) return x.sum end}})
        A.eq(g:columns()[2].name, "value")
      end
    end
  end)
end

function T.every_aggregate_of_quantities_with_missing_values()
  F.with_fixture(function(_, path)
    local key = function(r) return r.i .. "/" .. r.k:sub(1, 2) end
    local want = loop(all, key, "q")
    local g = trade.scan_baci(path, {block = 50}):group{"exporter", "chapter"}:stats("quantity")
    check(g, function(row) return row.exporter .. "/" .. row.chapter end, want, {
      {"quantity", function(x) return x.sum end},
      {"count", function(x) return x.count end},
      {"quantity_mean", function(x) return x.n > 0 and x.sum / x.n or nil end},
      {"quantity_min", function(x) return x.min end},
      {"quantity_max", function(x) return x.max end},
    })
    -- the same groups as an import grouped in memory
    local imported = trade.import_baci(path):group{"exporter", "chapter"}:stats("quantity")
    A.eq(#g, #imported)
  end)
end

function T.where_with_area_codes_and_chapters()
  F.with_fixture(function(_, path)
    local want = loop(function(r) return r.i == 704 and r.k:sub(1, 2) == "03" end,
      function(r) return r.j end, "v")
    local g = trade.scan_baci(path, {block = 64, where = {exporter = "VNM", chapter = 3}})
      :group{"importer"}:sum()
    check(g, function(row) return row.importer end, want, {{"value", function(x) return x.sum end}})
    A.eq(g:area(643), "RUS", "the result maps codes as the data does")
  end)
end

-- A mean over areas counts the values present in each country: a country
-- whose quantities are 0 and missing must not count its missing ones.
function T.means_over_areas_count_the_values_present()
  local dir = F.tmpdir()
  local ok, err = pcall(function()
    local path = F.write(dir .. "/BACI_HS17_Y2022_V202401.csv", "t,i,j,k,v,q\n"
      .. "2022,418,704,010121,1,0\n2022,418,704,010129,1,NA\n2022,116,704,010121,1,4\n"
      .. "2022,643,704,010121,1,9\n")
    for _, data in ipairs({trade.scan_baci(path, {block = 1}), trade.import_baci(path)}) do
      local g = data:group{"exporter", areas = {exporter = {Mekong = {"LAO", "KHM"}}}}:mean("quantity")
      local by = {}
      for _, row in g:rows() do by[row.exporter] = row.quantity_mean end
      A.near(by.Mekong, 2, 1e-12, "(0 + 4) / 2 values present")
      A.near(by["(other)"], 9, 1e-12)
    end
  end)
  F.rmtree(dir)
  if not ok then error(err, 0) end
end

function T.a_directory_is_every_year()
  F.with_fixture(function(dir)
    local second = F.fixture_rows(50, 2021, 5)
    F.write(dir .. "/BACI_HS17_Y2021_V202401.csv", F.csv_of(second))
    local g = trade.scan_baci(dir, {block = 200}):group{"year"}:count()
    A.eq(g[1].year, 2021); A.eq(g[1].count, #second)
    A.eq(g[2].year, 2022); A.eq(g[2].count, #ROWS)
    A.truthy(tostring(trade.scan_baci(dir)):find("2 BACI files", 1, true))
  end)
end

function T.bad_scans_are_refused_clearly()
  F.with_fixture(function(dir, path)
    A.errors(function() trade.scan_baci(dir .. "/none.csv") end,
      "scan_baci: " .. dir .. "/none.csv: No such file or directory")
    A.errors(function() trade.scan_baci(42) end, "scan_baci: expected a file or directory path")
    A.errors(function() trade.scan_baci(path):filter{exporter = 704} end,
      "scan_baci: a scan only groups (s:group{keys}:sum(col)); for 'filter', import the file")
    A.errors(function() return #trade.scan_baci(path) end, "for '#', import the file")
    A.errors(function() trade.scan_baci(path, {columns = {"value"}}) end,
      "scan_baci: no option 'columns' (where, progress, threads, block)")
    local s = trade.scan_baci(path)
    A.errors(function() s:group{"partner"}:sum() end,
      "scan_baci: group: no key 'partner' (year, exporter, importer, product, chapter, heading)")
    A.errors(function() s:group{"exporter"}:sum("price") end,
      "scan_baci: no number column 'price' (value, quantity)")
    A.errors(function() trade.scan_baci(path, {block = 0}):group{"exporter"}:sum() end,
      "scan_baci: block must be a number of bytes, more than 0")
    A.errors(function() trade.scan_baci(path, {where = {exporter = "NOWHERE"}}) end,
      "scan_baci: where exporter: unknown area 'NOWHERE'")
    A.errors(function() trade.scan_baci(path, {where = {importer = 70000}}):group{"year"}:count() end,
      "scan_baci: where importer: 70000 is not a country code (an integer 0..32767)")
    -- a bad row far into the file, in a later block: its line in the whole file
    local lines = {"t,i,j,k,v,q"}
    for i = 1, 60 do lines[#lines + 1] = "2022,704,643,010121,1.5,2" end
    lines[41] = "2022,704,643,010121,1.5,-2"
    local bad = F.write(dir .. "/bad.csv", table.concat(lines, "\n") .. "\n")
    A.errors(function() trade.scan_baci(bad, {block = 64}):group{"exporter"}:sum() end,
      bad .. ":41:25: column 'q': '-2' is not a quantity (a number 0 or more, empty or NA)")
  end)
end

return T
