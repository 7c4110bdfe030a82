-- Analysis over bulk datasets: area groupings in filters and group-by,
-- shares, HHI, RCA, trade intensity, Comtrade mirror gaps, and bulk results
-- in reports.  Every expected figure is computed here by a plain loop over
-- the rows the test wrote, never by the code under test.
local A = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/assert.lua")
local F = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/bulk_fixture.lua")
local lfs = require "lfs"

local T = {}

-- UN numeric codes: Viet Nam, Russia, Belarus, Kazakhstan, China, Laos, Cambodia, Germany.
local VNM, RUS, BLR, KAZ, CHN, LAO, KHM, DEU = 704, 643, 112, 398, 156, 418, 116, 276
local EAEU = {[51] = true, [112] = true, [398] = true, [417] = true, [643] = true}
local NEIGHBOURS = {[156] = true, [418] = true, [116] = true} -- X-VNNB: CHN, LAO, KHM
local COUNTRIES = {VNM, RUS, BLR, KAZ, CHN, LAO, KHM, DEU}
local CODES = {"010121", "030111", "030489", "270900", "847130", "847150"}

local function fixture_rows()
  local rnd, rows, seen = F.random(7), {}, {}
  while #rows < 150 do
    local r = {i = COUNTRIES[rnd(#COUNTRIES)], j = COUNTRIES[rnd(#COUNTRIES)],
               k = CODES[rnd(#CODES)], v = rnd(100000) / 1000}
    local key = r.i .. "," .. r.j .. "," .. r.k
    if r.i ~= r.j and not seen[key] then
      seen[key] = true
      rows[#rows + 1] = r
    end
  end
  return rows
end

local ROWS = fixture_rows()

local function with_dataset(fn)
  local dir = os.tmpname()
  os.remove(dir)
  assert(lfs.mkdir(dir))
  local path = dir .. "/BACI_HS17_Y2022_V202401.csv"
  local f = assert(io.open(path, "wb"))
  f:write("t,i,j,k,v,q\n")
  for _, r in ipairs(ROWS) do f:write(string.format("2022,%d,%d,%s,%.3f,1\n", r.i, r.j, r.k, r.v)) end
  f:close()
  local ok, err = pcall(fn, trade.import_baci(path, {progress = false}), dir)
  for name in lfs.dir(dir) do
    if name ~= "." and name ~= ".." then os.remove(dir .. "/" .. name) end
  end
  lfs.rmdir(dir)
  if not ok then error(err, 0) end
end

-- Sum of v over the fixture rows that pass pred, grouped by key(r).
local function sums(pred, key)
  local out = {}
  for _, r in ipairs(ROWS) do
    if pred(r) then
      local k = key(r)
      out[k] = (out[k] or 0) + r.v
    end
  end
  return out
end

local function close(a, b, what) A.truthy(math.abs(a - b) < 1e-9 * math.max(1, math.abs(b)), what .. ": " .. a .. " vs " .. b) end

local function by_key(ds, col, value)
  local out = {}
  for _, row in ds:rows() do out[row[col]] = row[value or "value"] end
  return out
end

-- ---- area groupings ---------------------------------------------------------------------

function T.a_grouping_of_the_knowledge_base_filters_its_members()
  with_dataset(function(ds)
    local want = sums(function(r) return EAEU[r.j] end, function() return "all" end).all
    close(ds:filter{importer = "X-EAEU"}:sum(), want, "EAEU imports")
    local list = ds:filter{importer = {RUS, BLR, KAZ}}:sum()
    close(list, want, "the same as its members in the data")
    A.errors(function() ds:filter{importer = "X-NOWHERE"} end, "unknown area 'X-NOWHERE'")
  end)
end

function T.group_by_area_groupings_folds_countries_and_keeps_the_rest_apart()
  with_dataset(function(ds)
    local label = function(c) return EAEU[c] and "X-EAEU" or NEIGHBOURS[c] and "X-VNNB" or "(other)" end
    local want = sums(function() return true end, function(r) return label(r.j) end)
    local got = ds:group{"importer", areas = {importer = {"X-EAEU", "X-VNNB"}}}:sum()
    local seen = 0
    for k, v in pairs(by_key(got, "importer")) do
      close(v, want[k], k); seen = seen + 1
    end
    A.eq(seen, 3)
    -- count, mean, min and max of one group, by hand
    local n, lo, hi, sum = 0, math.huge, -math.huge, 0
    for _, r in ipairs(ROWS) do
      if EAEU[r.j] then n = n + 1; sum = sum + r.v; lo = math.min(lo, r.v); hi = math.max(hi, r.v) end
    end
    local st = ds:group{"importer", areas = {importer = {"X-EAEU"}}}:stats()
    local row
    for _, r in st:rows() do if r.importer == "X-EAEU" then row = r end end
    A.eq(row.count, n)
    close(row.value, sum, "sum")
    close(row.value_mean, sum / n, "mean")
    A.eq(row.value_min, lo)
    A.eq(row.value_max, hi)
  end)
end

function T.group_by_own_labels_and_a_second_key()
  with_dataset(function(ds)
    local res = ds:group{"exporter", "chapter", areas = {exporter = {Mekong = {"VNM", "LAO", "KHM"}}}}:sum()
    local want = sums(function(r) return r.i == VNM or r.i == LAO or r.i == KHM end,
      function(r) return r.k:sub(1, 2) end)
    local seen = 0
    for _, r in res:rows() do
      if r.exporter == "Mekong" then close(r.value, want[r.chapter], r.chapter); seen = seen + 1 end
    end
    local chapters = 0
    for _ in pairs(want) do chapters = chapters + 1 end
    A.eq(seen, chapters)
    A.eq(res:top(1)[1].value, (function()
      local best = 0
      for _, r in res:rows() do best = math.max(best, r.value) end
      return best
    end)(), "a folded result ranks like any result")
  end)
end

function T.overlapping_or_unknown_groupings_are_refused()
  with_dataset(function(ds)
    A.errors(function() ds:group{"exporter", areas = {exporter = {"X-EAEU", "RUS"}}}:sum() end,
      "'RUS' and 'X-EAEU' overlap (country code 643)")
    A.errors(function() ds:group{"exporter", areas = {exporter = {"X-NOWHERE"}}}:sum() end,
      "unknown area 'X-NOWHERE'")
    A.errors(function() ds:group{"exporter", areas = {importer = {"RUS"}}}:sum() end,
      "areas.importer is not one of the keys")
  end)
end

-- ---- indicators ---------------------------------------------------------------------------

function T.shares_and_hhi_by_exporter()
  with_dataset(function(ds)
    local t = sums(function() return true end, function(r) return r.i end)
    local total, hhi = 0, 0
    for _, v in pairs(t) do total = total + v end
    for _, v in pairs(t) do hhi = hhi + (v / total) ^ 2 end
    local shares = ds:shares("exporter")
    local n = 0
    for _, r in shares:rows() do
      close(r.share, t[r.exporter] / total, "share of " .. r.exporter)
      n = n + 1
    end
    A.eq(n, 8)
    close(ds:hhi("exporter"), hhi, "HHI")
    close(indicators.hhi(ds, "exporter"), hhi, "indicators.hhi over a bulk dataset")
    close(ds:concentration("exporter").hhi, hhi, "concentration")
    A.errors(function() ds:hhi() end, "expected the column to group by")
  end)
end

function T.rca_by_chapter_is_balassas_index()
  with_dataset(function(ds)
    local all = function() return true end
    local chapter = function(r) return r.k:sub(1, 2) end
    local mine = sums(function(r) return r.i == VNM end, chapter)
    local world = sums(all, chapter)
    local X_i = sums(function(r) return r.i == VNM end, function() return 1 end)[1]
    local X_w = sums(all, function() return 1 end)[1]
    local res = ds:rca("VNM", "chapter")
    local n = 0
    for _, r in res:rows() do
      close(r.rca, (mine[r.chapter] / X_i) / (world[r.chapter] / X_w), "RCA of chapter " .. r.chapter)
      close(r.world, world[r.chapter], "world exports of " .. r.chapter)
      n = n + 1
    end
    local want_n = 0
    for _ in pairs(mine) do want_n = want_n + 1 end
    A.eq(n, want_n)
    A.errors(function() ds:rca(999, "chapter") end, "no rows with exporter 999")
  end)
end

function T.trade_intensity_of_viet_nam_to_russia()
  with_dataset(function(ds)
    local x_ij, X_i, x_wj, X_w = 0, 0, 0, 0
    for _, r in ipairs(ROWS) do
      X_w = X_w + r.v
      if r.i == VNM then X_i = X_i + r.v end
      if r.j == RUS then x_wj = x_wj + r.v end
      if r.i == VNM and r.j == RUS then x_ij = x_ij + r.v end
    end
    close(ds:intensity(VNM, "RUS"), (x_ij / X_i) / (x_wj / X_w), "intensity")
    A.errors(function() ds:mirror() end, "needs Comtrade data")
  end)
end

-- ---- Comtrade mirror gaps -------------------------------------------------------------

function T.mirror_sets_exports_against_the_partners_imports()
  local dir = os.tmpname()
  os.remove(dir)
  assert(lfs.mkdir(dir))
  local path = dir .. "/comtrade.csv"
  local f = assert(io.open(path, "wb"))
  f:write("freqCode,period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n")
  -- Viet Nam reports exports to Russia of 100 + 50; Russia reports imports from Viet Nam of 170
  -- (CIF); Russia's exports to Viet Nam (30) have no mirror; World and re-exports stay out.
  f:write("A,2022,704,X,643,0101,100\nA,2022,704,X,643,0302,50\nA,2022,643,M,704,0101,170\n"
    .. "A,2022,643,X,704,2709,30\nA,2022,704,X,0,0101,150\nA,2022,704,RX,643,0101,9\n"
    .. "A,2021,704,X,643,0101,80\nA,2021,643,M,704,0101,88\n")
  f:close()
  local ok, err = pcall(function()
    local ct = trade.import_comtrade(path)
    local m = ct:mirror()
    local got = {}
    for _, r in m:rows() do got[r.period .. ":" .. r.exporter .. ">" .. r.importer] = r end
    local a = got["2022:704>643"]
    A.eq(a.exports, 150.0)
    A.eq(a.mirror, 170.0)
    A.eq(a.gap, 20.0)
    close(a.ratio, 170 / 150, "ratio")
    local b = got["2022:643>704"]
    A.eq(b.exports, 30.0)
    A.eq(b.mirror, nil, "no mirror figure")
    A.eq(got["2021:704>643"].gap, 8.0)
    A.eq(#m, 3, "World and re-export rows are not pairs")
  end)
  os.remove(path)
  lfs.rmdir(dir)
  if not ok then error(err, 0) end
end

-- ---- results built in Lua, and bulk results in reports --------------------------------------

function T.results_from_columns_check_their_input()
  local core = require "tradescope.bulkcore"
  local ds = core.from_columns({{name = "exporter", type = "int16", values = {VNM, RUS}},
    {name = "value", type = "double", values = {1.5, nil}}}, 2, "value")
  A.eq(#ds, 2)
  A.eq(ds[2].value, nil, "a missing value stays missing")
  A.eq(ds:top(1)[1].exporter, VNM)
  A.errors(function() core.from_columns({{name = "a", type = "int16", values = {40000}}}, 1) end,
    "column 'a': 40000 is out of range for int16")
  A.errors(function() core.from_columns({{name = "a", type = "float", values = {1}}}, 1) end,
    "column 'a': type 'float' is not int16, int32, double or string")
end

function T.bulk_results_feed_report_tables_and_charts()
  with_dataset(function(ds)
    local top = ds:group{"exporter"}:sum():top(3)
    local r = report.new{title = "Bulk", as_of = "2024-01-01"}
    r:table(top, {caption = "Top exporters"})
    r:chart{series = top, title = "Top exporters"}
    local md = r:render("md")
    A.truthy(md:find("| Exporter | Value |", 1, true), md)
    local first = bulk.area(top[1].exporter)
    A.truthy(md:find("| " .. first .. " |", 1, true), "an exporter shown by its area code")
    local json = require("cjson").decode(r:render("json"))
    A.eq(#json.blocks[1].rows, 3)
    local values = {}
    for i = 1, 1001 do values[i] = i end
    local long = require("tradescope.bulkcore").from_columns({{name = "value", type = "double", values = values}}, 1001)
    A.errors(function() r:table(long) end, "a bulk dataset of 1001 rows is more than a report shows (1000)")
    r:table(ds) -- 150 rows are fine
  end)
end

return T
