-- Bulk datasets from Lua: BACI and Comtrade import, snapshots, queries.
-- Every expected figure is computed here by a plain loop over the rows the
-- test wrote, never by the code under test.
local A = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/assert.lua")

local T = {}

local F = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/bulk_fixture.lua")
local tmpdir, write, rmtree, fixture_rows, csv_of, with_fixture =
  F.tmpdir, F.write, F.rmtree, F.fixture_rows, F.csv_of, F.with_fixture
local ROWS = F.ROWS

-- ---- import -------------------------------------------------------------------

function T.import_reads_every_row_and_column()
  with_fixture(function(_, path)
    local ds = trade.import_baci(path)
    A.eq(#ds, #ROWS, "rows")
    A.eq(ds:info().row_bytes, 26, "bytes per row")
    local names = {}
    for i, c in ipairs(ds:columns()) do names[i] = c.name end
    A.eq(table.concat(names, ","), "year,exporter,importer,product,value,quantity")
    for i, r in ds:rows() do
      local w = ROWS[i]
      A.eq(r.year, w.t); A.eq(r.exporter, w.i); A.eq(r.importer, w.j); A.eq(r.product, w.k)
      A.near(r.value, w.v, 1e-12)
      if w.q then A.near(r.quantity, w.q, 1e-12) else A.eq(r.quantity, nil, "missing quantity") end
    end
    A.eq(ds[1].product:sub(1, 1) == "0" or ds[1].product == ROWS[1].k, true)
  end)
end

function T.malformed_files_name_file_line_and_column()
  with_fixture(function(dir)
    local bad = write(dir .. "/bad.csv", "t,i,j,k,v,q\n2022,704,643,010121,1,1\n2022,704,RUS,010121,1,1\n")
    A.errors(function() trade.import_baci(bad) end,
      bad .. ":3:10: column 'j': 'RUS' is not a country code (an integer 0..32767)")
    A.errors(function() trade.import_baci(dir .. "/none.csv") end,
      dir .. "/none.csv: cannot open: No such file or directory")
  end)
end

function T.a_directory_imports_all_years_all_or_nothing()
  with_fixture(function(dir)
    local second = fixture_rows(50, 2021, 5)
    write(dir .. "/BACI_HS17_Y2021_V202401.csv", csv_of(second))
    local ds = trade.import_baci(dir)
    A.eq(#ds, #ROWS + #second, "both years")
    A.eq(#ds:filter{year = 2021}, #second)
    -- a bad third file: the import fails whole
    write(dir .. "/BACI_HS17_Y2020_V202401.csv", "t,i,j,k,v,q\n2020,1,2,3,x,\n")
    A.errors(function() trade.import_baci(dir) end, "BACI_HS17_Y2020_V202401.csv:2:12: column 'v'")
  end)
end

-- ---- area codes ---------------------------------------------------------------------

function T.country_codes_beside_the_data_win()
  with_fixture(function(dir, path)
    local plain = trade.import_baci(path)
    A.eq(plain:area(704), "VNM", "ISO numeric")
    A.eq(plain:area(842), "USA", "override")
    A.eq(plain:area(490), "X-OASIA", "override")
    write(dir .. "/country_codes_V202401.csv",
      "country_code,country_name,country_iso2,country_iso3\n704,Viet Nam,VN,VNM\n490,Other Asia nes,NA,S19\n842,USA,US,USA\n")
    local ds = trade.import_baci(path)
    A.eq(ds:meta().area_source, dir .. "/country_codes_V202401.csv")
    A.eq(ds:area(704), "VNM")
    A.eq(ds:area(490), "X-OASIA", "a non-ISO iso3 falls back to the overrides")
    A.eq(bulk.area(251), "FRA")
  end)
end

function T.country_codes_travel_inside_a_snapshot()
  with_fixture(function(dir, path)
    -- 58 is Belgium-Luxembourg to the overrides; this file says BEL.
    write(dir .. "/country_codes_V202401.csv",
      "country_code,country_name,country_iso2,country_iso3\n58,Belgium,BE,BEL\n704,Viet Nam,VN,VNM\n")
    local ds = trade.import_baci(path)
    ds:save(dir .. "/s.tsb")
    os.remove(dir .. "/country_codes_V202401.csv")
    local m = trade.open(dir .. "/s.tsb")
    A.eq(m:area(58), "BEL", "the file's mapping, not the override")
    A.eq(m:meta().names[704], "Viet Nam")
    A.eq(m:meta().area_source, dir .. "/country_codes_V202401.csv")
    A.eq(bulk.area(58), "X-BELLUX", "without the dataset: the override")
    -- a filtered view saves the same map
    ds:filter{exporter = 704}:save(dir .. "/vn.tsb")
    A.eq(trade.open(dir .. "/vn.tsb"):area(58), "BEL")
  end)
end

-- ---- queries ---------------------------------------------------------------------------

local function naive(pred)
  local n, sum = 0, 0
  for _, r in ipairs(ROWS) do if pred(r) then n = n + 1; sum = sum + r.v end end
  return n, sum
end

function T.filters_by_value_set_area_and_chapter()
  with_fixture(function(_, path)
    local ds = trade.import_baci(path)
    local n = naive(function(r) return r.i == 704 end)
    A.eq(#ds:filter{exporter = 704}, n, "one value")
    A.eq(#ds:filter{exporter = "VNM"}, n, "an area code")
    n = naive(function(r) return r.i == 704 and (r.j == 643 or r.j == 156) end)
    A.eq(#ds:filter{exporter = 704, importer = {643, 156}}, n, "a set")
    A.eq(#ds:filter{exporter = 704}:filter{importer = {"RUS", "CHN"}}, n, "chained")
    n = naive(function(r) return r.k:sub(1, 2) == "03" end)
    A.eq(#ds:filter{chapter = "03"}, n, "chapter")
    A.eq(#ds:filter{chapter = 3}, n, "chapter as a number")
    n = naive(function(r) return r.k == "010121" end)
    A.eq(#ds:filter{product = "010121"}, n, "product")
    A.eq(#ds:filter{year = 2022}, #ROWS)
    A.errors(function() ds:filter{exporter = "ATLANTIS"} end, "filter exporter: unknown area 'ATLANTIS'")
    A.errors(function() ds:filter{colour = 1} end, "no column 'colour'")
  end)
end

function T.group_sum_count_mean()
  with_fixture(function(_, path)
    local ds = trade.import_baci(path)
    local want = {}
    for _, r in ipairs(ROWS) do
      local key = r.i .. "/" .. r.k:sub(1, 2)
      want[key] = want[key] or {sum = 0, n = 0}
      want[key].sum = want[key].sum + r.v
      want[key].n = want[key].n + 1
    end
    local g = ds:group{"exporter", "chapter"}:agg("value", {"sum", "count", "mean"})
    local groups = 0
    for _ in pairs(want) do groups = groups + 1 end
    A.eq(#g, groups, "groups")
    for _, r in g:rows() do
      local w = want[r.exporter .. "/" .. r.chapter]
      A.truthy(w, "group " .. r.exporter .. "/" .. r.chapter)
      A.near(r.value, w.sum, 1e-9)
      A.eq(r.count, w.n)
      A.near(r.value_mean, w.sum / w.n, 1e-9)
    end
    A.near(ds:sum("value"), select(2, naive(function() return true end)), 1e-9, "total")
    local qs = ds:stats("quantity")
    local missing = 0
    for _, r in ipairs(ROWS) do if not r.q then missing = missing + 1 end end
    A.eq(qs.missing, missing)
    A.eq(qs.count, #ROWS - missing)
  end)
end

function T.top_is_the_largest_first()
  with_fixture(function(_, path)
    local ds = trade.import_baci(path)
    local top = ds:group{"exporter"}:sum("value"):top(3)
    local sums = {}
    for _, r in ipairs(ROWS) do sums[r.i] = (sums[r.i] or 0) + r.v end
    local order = {}
    for code, s in pairs(sums) do order[#order + 1] = {code, s} end
    table.sort(order, function(a, b) return a[2] > b[2] end)
    A.eq(#top, 3)
    for i = 1, 3 do
      A.eq(top[i].exporter, order[i][1], "rank " .. i)
      A.near(top[i].value, order[i][2], 1e-9)
    end
    local low = ds:top(2, "value", "asc")
    local vals = {}
    for _, r in ipairs(ROWS) do vals[#vals + 1] = r.v end
    table.sort(vals)
    A.near(low[1].value, vals[1], 1e-12)
    A.near(low[2].value, vals[2], 1e-12)
  end)
end

function T.join_two_years_gives_growth()
  with_fixture(function(dir)
    local before = fixture_rows(150, 2021, 99)
    local b = trade.import_baci(write(dir .. "/y21.csv", csv_of(before)))
    local a = trade.import_baci(dir .. "/BACI_HS17_Y2022_V202401.csv")
    local j = a:group{"exporter", "importer"}:sum():join(b:group{"exporter", "importer"}:sum(),
      {on = {"exporter", "importer"}})
    local s22, s21 = {}, {}
    for _, r in ipairs(ROWS) do s22[r.i .. "-" .. r.j] = (s22[r.i .. "-" .. r.j] or 0) + r.v end
    for _, r in ipairs(before) do s21[r.i .. "-" .. r.j] = (s21[r.i .. "-" .. r.j] or 0) + r.v end
    local both = 0
    for k in pairs(s22) do if s21[k] then both = both + 1 end end
    A.eq(#j, both, "pairs in both years")
    for _, r in j:rows() do
      local k = r.exporter .. "-" .. r.importer
      A.near(r.value, s22[k], 1e-9); A.near(r.base, s21[k], 1e-9)
      A.near(r.change, s22[k] - s21[k], 1e-9)
      A.near(r.growth, (s22[k] - s21[k]) / s21[k], 1e-9)
    end
    local best = j:top(1, "change")[1]
    for _, r in j:rows() do A.truthy(r.change <= best.change, "top change is the largest") end
    A.errors(function() a:join(b, {on = {"exporter"}}) end, "appears twice in the other dataset")
  end)
end

function T.outer_joins_show_new_and_lost_pairs()
  with_fixture(function(dir)
    local before = fixture_rows(150, 2021, 99)
    local b = trade.import_baci(write(dir .. "/y21.csv", csv_of(before)))
    local a = trade.import_baci(dir .. "/BACI_HS17_Y2022_V202401.csv")
    local pairs_of = function(ds) return ds:group{"exporter", "importer"}:sum() end
    local s22, s21, keys = {}, {}, 0
    for _, r in ipairs(ROWS) do s22[r.i .. "-" .. r.j] = (s22[r.i .. "-" .. r.j] or 0) + r.v end
    for _, r in ipairs(before) do s21[r.i .. "-" .. r.j] = (s21[r.i .. "-" .. r.j] or 0) + r.v end
    local union, only22 = {}, 0
    for k in pairs(s22) do union[k] = true; if not s21[k] then only22 = only22 + 1 end end
    for k in pairs(s21) do union[k] = true end
    for _ in pairs(union) do keys = keys + 1 end
    local outer = pairs_of(a):join(pairs_of(b), {on = {"exporter", "importer"}, how = "outer"})
    A.eq(#outer, keys, "every pair of either year")
    for _, r in outer:rows() do
      local k = r.exporter .. "-" .. r.importer
      A.near(r.value, s22[k] or 0, 1e-9); A.near(r.base, s21[k] or 0, 1e-9)
    end
    local left = pairs_of(a):join(pairs_of(b), {on = {"exporter", "importer"}, how = "left"})
    local new = 0
    for _, r in left:rows() do if r.base == 0 then new = new + 1 end end
    A.eq(new, only22, "pairs new in 2022 have base 0")
    A.errors(function() pairs_of(a):join(pairs_of(b), {on = {"exporter"}, how = "full"}) end,
      "join: how must be 'inner', 'left' or 'outer', not 'full'")
  end)
end

-- ---- snapshots ------------------------------------------------------------------------

function T.snapshot_round_trip_and_refusals()
  with_fixture(function(dir, path)
    local ds = trade.import_baci(path)
    local snap = dir .. "/s.tsb"
    ds:save(snap)
    local m = trade.open(snap)
    A.eq(m:info().mapped, true)
    A.eq(#m, #ds)
    for i = 1, #ds do
      local x, y = ds[i], m[i]
      for k, v in pairs(x) do A.eq(y[k], v, k .. " of row " .. i) end
    end
    -- a view saves just its rows
    ds:filter{exporter = 704}:save(dir .. "/vn.tsb")
    A.eq(#trade.open(dir .. "/vn.tsb"), #ds:filter{exporter = 704})
    -- corrupt a byte of the last column: refused when read
    local f = assert(io.open(snap, "r+b"))
    local size = f:seek("end")
    f:seek("set", size - 70)
    local byte = f:read(1)
    f:seek("set", size - 70)
    f:write(string.char((byte:byte() + 1) % 256))
    f:close()
    A.errors(function() trade.open(snap, {verify = true}) end, "is corrupt (checksum mismatch)")
    local lazy = trade.open(snap)
    A.errors(function() return lazy:stats("quantity") end, "column 'quantity' is corrupt")
    write(dir .. "/v9.tsb", "\x89TSBULK\n\9\0\0\0" .. string.rep("\0", 200))
    A.errors(function() trade.open(dir .. "/v9.tsb") end,
      "snapshot format version 9; this tradescope reads version 2")
    A.errors(function() trade.open(path) end, path .. ": not a tradescope snapshot")
  end)
end

-- ---- printing ----------------------------------------------------------------------------

function T.printing_shows_aligned_columns_and_area_codes()
  with_fixture(function(_, path)
    local ds = trade.import_baci(path)
    local text = tostring(ds:filter{exporter = 704}:group{"exporter", "importer"}:sum():top(2))
    local lines = {}
    for l in text:gmatch("[^\n]+") do lines[#lines + 1] = l end
    A.truthy(lines[1]:match("^exporter%s+importer%s+value$"), "header: " .. lines[1])
    A.truthy(lines[3]:match("^704 VNM "), "area code shown: " .. lines[3])
    A.eq(lines[#lines], "(2 rows; result)")
    A.truthy(tostring(ds):find("(200 rows, 20 shown; baci)", 1, true), "long tables are cut")
  end)
end

-- ---- Comtrade ------------------------------------------------------------------------------

local COMTRADE_HEAD = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,"
  .. "flowCode,partnerCode,partnerISO,partner2Code,cmdCode,aggrLevel,motCode,customsCode,qty,netWgt,"
  .. "cifvalue,fobvalue,primaryValue,isAggregate"

-- partnerISO as Comtrade writes it: W00 for the World, S19 for "Other Asia, nes".
local PARTNER_ISO = {[643] = "RUS", [0] = "W00", [156] = "CHN", [490] = "S19", [58] = "BEL"}

local function comtrade_line(period, flow, partner, cmd, value, opts)
  opts = opts or {}
  return string.format("C,%s,%s0101,%s,%s,%s,704,VNM,%s,%d,%s,%d,%s,%d,%d,%s,,,,,%s,%s",
    #period == 6 and "M" or "A", period, period:sub(1, 4), #period == 6 and period:sub(5) or "52",
    period, flow, partner, opts.iso or PARTNER_ISO[partner], opts.partner2 or 0, cmd,
    #cmd == 5 and 0 or #cmd, opts.mot or 0, opts.customs or "C00", value, opts.agg or "False")
end

function T.comtrade_keeps_aggregates_apart()
  local dir = tmpdir()
  local ok, err = pcall(function()
    local lines = {COMTRADE_HEAD,
      comtrade_line("2023", "X", 643, "0101", 10),     -- parent of 010121 below
      comtrade_line("2023", "X", 643, "010121", 7),
      comtrade_line("2023", "X", 643, "010129", 3),
      comtrade_line("2023", "X", 0, "010121", 70),     -- World
      comtrade_line("2023", "X", 643, "TOTAL", 1000),  -- every commodity
      comtrade_line("2023", "M", 156, "847130", 5),
      comtrade_line("2023", "M", 156, "847150", 2, {agg = "True"}),
      comtrade_line("2023", "M", 156, "847130", 1, {mot = 2100}),
      comtrade_line("202301", "X", 643, "270900", 4),
    }
    local path = write(dir .. "/comtrade.csv", table.concat(lines, "\n") .. "\n")
    local d, apart = trade.import_comtrade(path)
    A.eq(#d, 4, "detail rows")
    A.near(d:sum("value"), 7 + 3 + 5 + 4, 1e-12, "sums count each trade once")
    A.eq(#apart, 5)
    local why = {}
    for _, r in apart:rows() do why[r.product .. "/" .. r.partner] = r.why end
    A.eq(why["0101/643"], "parent"); A.eq(why["010121/0"], "world"); A.eq(why["TOTAL/643"], "total")
    A.eq(why["847150/156"], "aggregate")
    A.eq(d:apart(), apart)
    A.eq(#d:filter{period = 202301}, 1, "monthly period")
    A.eq(#d:filter{flow = "X", year = 2023}, 3)
    A.near(d:filter{reporter = "VNM", flow = "M"}:sum(), 5, 1e-12)
    local bad = write(dir .. "/bad.csv", COMTRADE_HEAD .. "\n" .. comtrade_line("2023", "X", 643, "01-01", 1) .. "\n")
    A.errors(function() trade.import_comtrade(bad) end,
      bad .. ":2:47: column 'cmdCode': '01-01' is not a code (1 to 15 letters or digits)")
    local nohead = write(dir .. "/nohead.csv", "a,b\n1,2\n")
    A.errors(function() trade.import_comtrade(nohead) end,
      nohead .. ":1:1: column 'freqCode' is missing (not a UN Comtrade final-data CSV?)")
  end)
  rmtree(dir)
  if not ok then error(err, 0) end
end

-- The file's own reporterISO and partnerISO map its codes, as BACI's country_codes file
-- does: 58 is Belgium here, not the Belgium-Luxembourg of the overrides.
function T.comtrade_iso_columns_map_the_codes()
  local dir = tmpdir()
  local ok, err = pcall(function()
    local lines = {COMTRADE_HEAD, comtrade_line("2023", "X", 58, "010121", 1),
      comtrade_line("2023", "X", 490, "010121", 2), comtrade_line("2023", "X", 0, "010121", 3)}
    local path = write(dir .. "/c.csv", table.concat(lines, "\n") .. "\n")
    local d, apart = trade.import_comtrade(path)
    A.eq(d:area(58), "BEL", "the file's code")
    A.eq(d:area(490), "X-OASIA", "S19 is no ISO code: the override")
    A.eq(apart:area(0), "X-WORLD", "W00 likewise")
    A.eq(d:area(704), "VNM")
    A.eq(d:meta().area_source, path .. " (reporterISO, partnerISO)")
    A.eq(#d:filter{partner = "BEL"}, 1)
    A.eq(d[1].partner_iso, "BEL", "kept as a column")
    lines[#lines + 1] = comtrade_line("2023", "M", 58, "010129", 4, {iso = "LUX"})
    local bad = write(dir .. "/bad.csv", table.concat(lines, "\n") .. "\n")
    A.errors(function() trade.import_comtrade(bad) end,
      bad .. ":5:40: column 'partnerISO': 'LUX' is not 'BEL', given for partnerCode 58 on line 2")
  end)
  rmtree(dir)
  if not ok then error(err, 0) end
end

-- ---- import options: columns and where ------------------------------------------------

local function column_names(ds)
  local names = {}
  for i, c in ipairs(ds:columns()) do names[i] = c.name end
  return table.concat(names, ",")
end

function T.import_keeps_only_the_columns_asked_for()
  with_fixture(function(_, path)
    local ds = trade.import_baci(path, {columns = {"value", "exporter"}})
    A.eq(column_names(ds), "exporter,value", "file order")
    A.eq(ds:info().row_bytes, 10, "bytes per row")
    A.eq(#ds, #ROWS, "rows")
    for i, r in ds:rows() do
      A.eq(r.exporter, ROWS[i].i); A.near(r.value, ROWS[i].v, 1e-12)
      A.eq(r.year, nil, "no year"); A.eq(r.product, nil, "no product")
    end
    local sums = {}
    for _, r in ipairs(ROWS) do sums[r.i] = (sums[r.i] or 0) + r.v end
    local groups = 0
    for _, g in ds:group{"exporter"}:sum("value"):rows() do
      A.near(g.value, sums[g.exporter], 1e-12, "sum for " .. g.exporter)
      groups = groups + 1
    end
    local want = 0
    for _ in pairs(sums) do want = want + 1 end
    A.eq(groups, want, "groups")
    A.errors(function() ds:group{"importer"}:sum("value") end, "no column 'importer'")
  end)
end

function T.import_where_keeps_matching_rows_in_file_order()
  with_fixture(function(_, path)
    local function expect(pred)
      local out = {}
      for _, r in ipairs(ROWS) do if pred(r) then out[#out + 1] = r end end
      return out
    end
    local want = expect(function(r) return r.i == 704 and (r.j == 643 or r.j == 156) end)
    A.truthy(#want > 0 and #want < #ROWS, "the fixture exercises the where")
    for threads = 1, 2 do
      local ds = trade.import_baci(path, {threads = threads,
        columns = {"importer", "product", "value"},
        where = {exporter = "VNM", importer = {643, 156}, year = "2022"}})
      A.eq(#ds, #want, "rows kept, threads " .. threads)
      for i, r in ds:rows() do
        A.eq(r.importer, want[i].j); A.eq(r.product, want[i].k); A.near(r.value, want[i].v, 1e-12)
      end
    end
    local ch03 = expect(function(r) return r.k:sub(1, 2) == "03" end)
    A.eq(#trade.import_baci(path, {where = {chapter = 3}}), #ch03, "chapter 3 is \"03\"")
    local two = expect(function(r) return r.k == "847130" or r.k == "9999AA" end)
    A.eq(#trade.import_baci(path, {where = {product = {"847130", "9999AA"}}}), #two, "products")
    local head = expect(function(r) return r.k:sub(1, 4) == "8471" end)
    A.eq(#trade.import_baci(path, {where = {heading = 8471}}), #head, "heading 8471")
    A.eq(#trade.import_baci(path, {where = {year = 2021}}), 0, "another year")
  end)
end

function T.import_where_one_area_may_be_several_codes()
  with_fixture(function(dir)
    -- "USA" is 840 to ISO and 842 to BACI (with its territories): one area, two codes
    local path = write(dir .. "/usa.csv", "t,i,j,k,v,q\n2022,840,4,010121,1,1\n"
      .. "2022,842,4,010121,2,1\n2022,704,4,010121,4,1\n2022,842,8,010121,8,NA\n")
    local ds = trade.import_baci(path, {columns = {"exporter", "value"}, where = {exporter = "USA"}})
    A.eq(#ds, 3, "rows of 840 and 842")
    A.near(ds:sum("value"), 1 + 2 + 8, 1e-12)
    A.eq(ds:area(840), "USA"); A.eq(ds:area(842), "USA")
  end)
end

function T.import_where_applies_to_every_file_of_a_directory()
  with_fixture(function(dir)
    local second = fixture_rows(50, 2021, 5)
    write(dir .. "/BACI_HS17_Y2021_V202401.csv", csv_of(second))
    local n = 0
    for _, r in ipairs(second) do n = n + (r.i == 643 and 1 or 0) end
    for _, r in ipairs(ROWS) do n = n + (r.i == 643 and 1 or 0) end
    local ds = trade.import_baci(dir, {columns = {"year", "value"}, where = {exporter = 643}})
    A.eq(#ds, n, "exporter 643 in both years")
    A.eq(column_names(ds), "year,value")
  end)
end

function T.import_with_options_still_checks_every_field()
  with_fixture(function(dir)
    -- the bad row is one the where drops, in a column not kept
    local bad = write(dir .. "/bad.csv",
      "t,i,j,k,v,q\n2022,704,643,010121,1,1\n2022,1,2,010121,1,1x\n")
    A.errors(function()
      trade.import_baci(bad, {columns = {"value"}, where = {exporter = 704}})
    end, bad .. ":3:19: column 'q': '1x' is not a quantity (a number 0 or more, empty or NA)")
  end)
end

function T.import_options_are_refused_clearly()
  with_fixture(function(_, path)
    A.errors(function() trade.import_baci(path, {columns = {"value", "partner"}}) end,
      "import_baci: columns: no column 'partner' (year, exporter, importer, product, value, "
        .. "quantity)")
    A.errors(function() trade.import_baci(path, {where = {partner = 643}}) end,
      "import_baci: where: no key 'partner'")
    A.errors(function() trade.import_baci(path, {where = {exporter = "NOWHERE"}}) end,
      "import_baci: where exporter: unknown area 'NOWHERE'")
    A.errors(function() trade.import_baci(path, {where = {importer = 70000}}) end,
      "import_baci: where importer: 70000 is not a country code (an integer 0..32767)")
    A.errors(function() trade.import_baci(path, {where = {chapter = "3"}}) end,
      "import_baci: where chapter: '3' is not a chapter (2 letters or digits)")
    A.errors(function() trade.import_baci(path, {where = {product = 847130}}) end,
      "import_baci: where product: expected strings, got number")
    A.errors(function() trade.import_baci(path, {where = {year = {}}}) end,
      "import_baci: where year: an empty list")
  end)
end

return T
