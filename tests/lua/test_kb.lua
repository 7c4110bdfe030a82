-- The knowledge base through the Lua API, on the bundled dataset (run from the
-- repository root, so the data directory is data/).  The expected figures are
-- written here from the articles in ../shared/seeds/, not computed.
local A = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/assert.lua")
local lfs = require "lfs"

local DATA = dataset.dir()   -- the bundled data directory (absolute)
local THIS = "test_kb%.lua:%d+: "

local T = {}

-- ---- helpers -------------------------------------------------------------------

-- The rows' keys (`id`, or `code` for areas) in result-set order, space-separated.
local function ids(rs)
  local out = {}
  local key = rs:columns()[1]
  for _, row in rs:rows() do out[#out + 1] = row:text(key) end
  return table.concat(out, " ")
end

-- The only row of rs (it must have exactly one), checked to be `id`.
local function one(rs, id)
  if #rs ~= 1 then error(string.format("expected 1 row (%s), got %d: %s", id, #rs, ids(rs)), 2) end
  A.eq(rs[1]:text("id"), id, "row id")
  return rs[1]
end

-- A quantity's parts: low, high (nil when unbounded), qualifier, unit.
local function quantity_is(q, low, high, qualifier, unit, what)
  what = what or "quantity"
  A.truthy(q, what .. " is set")
  A.eq(q:low(), low, what .. " low")
  A.eq(q:high(), high, what .. " high")
  A.eq(q:qualifier(), qualifier, what .. " qualifier")
  A.eq(q:unit(), unit, what .. " unit")
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

local function copy_tree(src, dst)
  assert(lfs.mkdir(dst))
  for name in lfs.dir(src) do
    if name ~= "." and name ~= ".." then
      local s, d = src .. "/" .. name, dst .. "/" .. name
      if lfs.attributes(s, "mode") == "directory" then copy_tree(s, d) else write(d, read(s)) end
    end
  end
end

local function remove_tree(path)
  if not lfs.attributes(path) then return end
  for name in lfs.dir(path) do
    if name ~= "." and name ~= ".." then
      local p = path .. "/" .. name
      if lfs.attributes(p, "mode") == "directory" then remove_tree(p) else assert(os.remove(p)) end
    end
  end
  assert(lfs.rmdir(path))
end

-- Relative paths of every file under dir, sorted.
local function files_under(dir, prefix, out)
  out = out or {}
  for name in lfs.dir(dir) do
    if name ~= "." and name ~= ".." then
      local rel = (prefix and prefix .. "/" or "") .. name
      if lfs.attributes(dir .. "/" .. name, "mode") == "directory" then
        files_under(dir .. "/" .. name, rel, out)
      else
        out[#out + 1] = rel
      end
    end
  end
  table.sort(out)
  return out
end

local temp_dirs = {}

-- A copy of the bundled data directory in a new temporary directory.
local function data_copy()
  local base = os.tmpname()
  os.remove(base)
  assert(lfs.mkdir(base))
  temp_dirs[#temp_dirs + 1] = base
  copy_tree(DATA, base .. "/data")
  return base .. "/data"
end

-- A test that changes the loaded dataset: afterwards the bundled one is loaded
-- again and the temporary copies removed, whether it passed or not.
local function restoring(fn)
  return function()
    local ok, err = xpcall(fn, debug.traceback)
    dataset.load(DATA)
    for i = #temp_dirs, 1, -1 do
      remove_tree(temp_dirs[i])
      temp_dirs[i] = nil
    end
    if not ok then error(err, 0) end
  end
end

-- ---- s000: Vietnam and Russia review trade and the role of Vladivostok port ----------

function T.s000_more_than_30_enterprises()
  -- "More than 30 enterprises and relevant officials from Vietnam and Russia joined the event"
  local r = one(other.find{source = "s000"}, "o-event-participants")
  quantity_is(r.value, 30, nil, "more_than", "enterprises")
end

function T.s000_far_east_150_160_million_first_half_2023()
  -- "in the first half of 2023, two-way trade turnover between Vietnam and Russia's Far East
  -- reached 150-160 million USD, an increase of about 20% over the same period in 2022"
  local r = one(trade.find{reporter = "VNM", partner = "X-RUFE", within = "2023-H1"}, "t-vnrufe-2023h1")
  A.eq(tostring(r.period), "2023-H1")
  A.eq(r.flow, "turnover")
  quantity_is(r.value, 150000000, 160000000, "range", "USD")
  quantity_is(r.change, 0.2, 0.2, "approx", nil, "change")
  A.eq(tostring(r.change_basis), "2022-H1")
  A.eq(r.source, "s000")
end

function T.s000_transit_through_vladivostok_increased()
  -- "Goods from Vietnam and Russia transited through Vladivostok port clusters increased"
  local r = one(trade.find{via = "RUVVO"}, "t-vnru-vvo-transit")
  A.eq(r.change, nil, "a direction is not a quantity")
  A.eq(r:text("change"), "1")
  A.eq(r.change_qualifier, "direction_only")
  A.eq(r.value, nil)
  A.eq(r.period, nil)
end

function T.s000_far_east_shortest_way()
  -- "exporting Vietnam's goods through the Far East is the shortest way"
  local r = one(routes.find{metric = "shortest_way"}, "r-vnm-rufe-shortest")
  A.eq(r.stops, "VNM;X-RUFE")
end

function T.s000_first_quarter_2023_732_million_down_49()
  -- "In the first quarter of 2023, the bilateral trade reached 732 million USD, down 49% over
  -- the same period in 2022."
  local r = one(trade.find{reporter = "VNM", partner = "RUS", within = "2023-Q1"}, "t-vnru-2023q1")
  A.eq(tostring(r.period), "2023-Q1")
  quantity_is(r.value, 732000000, 732000000, "exact", "USD")
  quantity_is(r.change, -0.49, -0.49, "exact", nil, "change")
  A.eq(tostring(r.change_basis), "2022-Q1")
  A.eq(r.source, "s000")
  A.eq(r:text("value"), "732000000")
end

function T.s000_seven_months_2023_1_9_billion_down_15_7()
  -- "But in the first seven months of this year, it reached 1.9 billion USD, marking a decrease
  -- of only 15.7%."
  local r = one(trade.find{reporter = "VNM", partner = "RUS", period = "2023-07", within = "2023-01/2023-07"},
    "t-vnru-2023m01-07")
  A.eq(tostring(r.period), "2023-01/2023-07")
  A.eq(r.period:months(), 7)
  quantity_is(r.value, 1900000000, 1900000000, "exact", "USD")
  quantity_is(r.change, -0.157, -0.157, "exact", nil, "change")
  A.eq(tostring(r.change_basis), "2022-01/2022-07")
end

function T.s000_shipping_route_opened_may_2022()
  -- "in May 2022, a direct shipping route Vladivostok port - Hai Phong city - Ho Chi Minh City
  -- was opened"
  local r = one(routes.find{route = "vvo-hph-sgn", metric = "opened"}, "r-vvo-hph-sgn-opened")
  A.eq(tostring(r.date), "2022-05")
  A.eq(r.mode, "sea")
  A.eq(r.stops, "RUVVO;VNHPH;VNSGN")
  A.eq(r.status, "operating")
end

function T.s000_more_than_20000_teu_seven_months_2023()
  -- "In the first seven months of 2023, more than 20,000 TEUs of goods were transported
  -- through the route"
  local r = one(routes.find{route = "vvo-hph-sgn", within = "2023"}, "r-vvo-hph-sgn-2023m01-07")
  A.eq(tostring(r.period), "2023-01/2023-07")
  A.eq(r.metric, "volume")
  quantity_is(r.value, 20000, nil, "more_than", "TEU")
end

-- ---- s001: Mishustin's visit --------------------------------------------------------------

function T.s001_two_day_visit()
  -- "During this two-day visit, Prime Minister Mishustin will engage in meetings"
  local r = one(other.find{unit = "days"}, "o-mishustin-visit-days")
  quantity_is(r.value, 2, 2, "exact", "days")
  local v = one(agreements.find{kind = "visit", parties = "RUS;VNM"}, "a-mishustin-visit")
  A.eq(tostring(v.date), "2025-01")
end

function T.s001_cooperation_agreements_expected()
  -- "Several cooperation agreements are expected to be signed following their discussions."
  local r = one(agreements.find{event = "expected"}, "a-coop-agreements-expected")
  A.eq(r.value, nil, "'several' is not a number")
end

function T.s001_diplomatic_relations_30_january_1950()
  -- "diplomatic relations between Vietnam and Russia, established on January 30, 1950"
  local r = one(agreements.find{kind = "diplomatic_relations", event = "established"}, "a-diplrel-1950")
  A.eq(tostring(r.date), "1950-01-30")
  A.eq(r.date:year(), 1950)
  A.eq(r.date:month(), 1)
  A.eq(r.date:day(), 30)
  A.eq(r.parties, "VNM;RUS")
end

function T.s001_75th_anniversary_of_relations()
  -- "the upcoming 75th anniversary of diplomatic relations"
  local r = one(agreements.find{kind = "diplomatic_relations", event = "anniversary"}, "a-diplrel-75th")
  quantity_is(r.value, 75, 75, "exact", nil)
  A.eq(tostring(r.date), "2025-01-30")
end

function T.s001_75_years_of_cooperation()
  -- "Vietnam and Russia have built a unique history of cooperation over the past 75 years."
  local r = one(other.find{unit = "years"}, "o-vnru-cooperation-75y")
  quantity_is(r.value, 75, 75, "exact", "years")
end

function T.s001_80th_victory_day()
  -- "Russia's 80th Victory Day (May 9)"
  local r = one(agreements.find{kind = "commemoration", parties = "RUS"}, "a-victoryday-80th")
  quantity_is(r.value, 80, 80, "exact", nil)
  A.eq(tostring(r.date), "2025-05-09")
end

function T.s001_50th_liberation_day_and_80th_national_day()
  -- "Vietnam's 50th Liberation Day (April 30), its 80th National Day (September 2)"
  local rs = agreements.find{kind = "commemoration", parties = "VNM"}
  A.eq(ids(rs), "a-liberationday-50th a-nationalday-80th")
  quantity_is(rs[1].value, 50, 50, "exact", nil, "liberation day")
  A.eq(tostring(rs[1].date), "2025-04-30")
  quantity_is(rs[2].value, 80, 80, "exact", nil, "national day")
  A.eq(tostring(rs[2].date), "2025-09-02")
end

function T.s001_fta_and_its_10th_anniversary()
  -- "the 10th anniversary of the Vietnam-Eurasian Economic Union Free Trade Agreement (May 29)"
  local rs = agreements.find{kind = "fta"}
  A.eq(ids(rs), "a-fta-eaeu-signed a-fta-eaeu-10th")
  A.eq(rs[1].parties, "VNM;X-EAEU")
  A.eq(tostring(rs[1].date), "2015-05-29")
  quantity_is(rs[2].value, 10, 10, "exact", nil, "anniversary")
  A.eq(tostring(rs[2].date), "2025-05-29")
end

function T.s001_strategic_partnership_2001_comprehensive_2012()
  -- "upgraded to a strategic partnership in 2001 and a comprehensive strategic partnership in 2012"
  local sp = one(agreements.find{level = "strategic_partnership"}, "a-sp-2001")
  A.eq(tostring(sp.date), "2001")
  local csp = one(agreements.find{level = "comprehensive_strategic_partnership"}, "a-csp-2012")
  A.eq(tostring(csp.date), "2012")
  A.eq(csp.event, "upgraded")
end

function T.s001_trade_up_8_3_percent_in_2023()
  -- "bilateral trade increasing by 8.3% in 2023"
  local r = one(trade.find{reporter = "VNM", partner = "RUS", period = "2023-12"}, "t-vnru-2023")
  A.eq(tostring(r.period), "2023")
  A.eq(r.value, nil, "no value, a change only")
  quantity_is(r.change, 0.083, 0.083, "exact", nil, "change")
  A.eq(tostring(r.change_basis), "2022")
  A.eq(r.source, "s001")
end

function T.s001_nine_months_2024_4_4_billion_up_24()
  -- "In the first nine months of 2024 alone, trade surged by 24%, reaching $4.4 billion."
  local r = one(trade.find{reporter = "VNM", partner = "RUS", within = "2024-01/2024-09"},
    "t-vnru-2024m01-09")
  quantity_is(r.value, 4400000000, 4400000000, "exact", "USD")
  quantity_is(r.change, 0.24, 0.24, "exact", nil, "change")
  A.eq(tostring(r.change_basis), "2023-01/2023-09")
  A.eq(r.source, "s001")
end

function T.s001_vietsovpetro()
  -- "the Vietnam-Russia oil and gas joint venture, Vietsovpetro, playing a pivotal role"
  local r = one(agreements.find{kind = "joint_venture"}, "a-vietsovpetro")
  A.truthy(r.name:find("Vietsovpetro", 1, true))
end

function T.s001_food_and_agricultural_exports_over_1_billion_2024()
  -- "total exports of food and agricultural products exceeded $1 billion in 2024"
  local r = one(trade.find{commodity = "X-AGRIFOOD"}, "t-agrifood-2024")
  A.eq(r.flow, "export")
  A.eq(tostring(r.period), "2024")
  quantity_is(r.value, 1000000000, nil, "more_than", "USD")
  A.eq(r.reporter, nil, "direction not stated")
end

function T.s001_delegations_of_regions_2024()
  -- "In 2024, delegations from Russian regions such as St. Petersburg, Moscow, Ulyanovsk, and
  -- Yaroslavl visited Vietnam." / "Vietnamese provinces like Ba Ria-Vung Tau, Can Tho, ..."
  local rs = agreements.find{kind = "visit", date = "2024"}
  A.eq(ids(rs), "a-ru-regions-visits-2024 a-vn-provinces-visits-2024")
  A.eq(rs[1].parties, "RU-SPE;RU-MOW;RU-ULY;RU-YAR;VNM")
  A.eq(rs[2].parties, "VN-43;VN-CT;VN-25;VN-20;VN-HP;RUS")
end

function T.s001_1000_scholarships_a_year()
  -- "Russia providing 1,000 scholarships annually to Vietnamese students"
  local r = one(agreements.find{kind = "scholarship"}, "a-scholarships")
  quantity_is(r.value, 1000, 1000, "exact", "scholarships")
end

function T.s001_direct_flights_resumed()
  -- "the resumption of direct flights between major cities such as Moscow, Hanoi, Ho Chi Minh
  -- City, Phu Quoc, and Nha Trang"
  local r = one(routes.find{mode = "air"}, "r-ruvn-air-resumed")
  A.eq(r.status, "resumed")
  A.eq(r.stops, "RUMOW;VNHAN;VNSGN;VNPQC;VNNHA")
end

function T.s001_204000_russian_visitors_up_82()
  -- "Between January and November 2024, 204,000 Russian citizens visited Vietnam, an 82%
  -- increase compared to previous periods"
  local r = one(tourism.find{origin = "RUS", destination = "VNM", within = "2024"}, "tr-ruvn-2024m01-11")
  A.eq(tostring(r.period), "2024-01/2024-11")
  quantity_is(r.value, 204000, 204000, "exact", "persons")
  quantity_is(r.change, 0.82, 0.82, "exact", nil, "change")
  A.eq(r.change_basis, "unspecified")
end

-- ---- s002: Deputy Prime Ministers ---------------------------------------------------------

function T.s002_25th_committee_session_september_2024()
  -- "since the 25th session of the intergovernmental committee in September 2024"
  local r = one(agreements.find{kind = "committee_session"}, "a-igc-25th-session")
  quantity_is(r.value, 25, 25, "exact", nil)
  A.eq(tostring(r.date), "2024-09")
end

function T.s002_eleven_months_2024_4_1_billion_up_27_4()
  -- "In the first 11 months of last year, bilateral trade turnover amounted to 4.1 billion USD,
  -- up 27.4% year-on-year."
  local r = one(trade.find{reporter = "VNM", partner = "RUS", period = "2024-11"}, "t-vnru-2024m01-11")
  A.eq(tostring(r.period), "2024-01/2024-11")
  quantity_is(r.value, 4100000000, 4100000000, "exact", "USD")
  quantity_is(r.change, 0.274, 0.274, "exact", nil, "change")
  A.eq(tostring(r.change_basis), "2023-01/2023-11")
  A.eq(r.source, "s002")
end

function T.s002_measures_and_2025_leap()
  -- "Many measures were also agreed upon" / "2025 will mark a leap in the growth"
  one(agreements.find{kind = "measures"}, "a-dpm-measures")
  local r = one(targets.find{period = "2025"}, "tg-vnru-2025-leap")
  A.eq(r.value, nil, "qualitative")
end

-- ---- s003: Kaluga ------------------------------------------------------------------------------

function T.s003_meeting_on_17_august()
  -- "meets with Kaluga Governor Vladislav Shapsha on August 17"
  local r = one(agreements.find{area = "RU-KLU"}, "a-khoi-shapsha-meeting")
  A.eq(tostring(r.date), "2021-08-17")
end

function T.s003_kaluga_over_315_million_2020_ten_fold()
  -- "Bilateral trade topped 315 million USD in 2020, rising 10-fold in three years"
  local r = one(trade.find{reporter = "RU-KLU", partner = "VNM", period = "2020"}, "t-kluvnm-2020")
  quantity_is(r.value, 315000000, nil, "more_than", "USD")
  quantity_is(r.change, 9, 9, "exact", nil, "change (10-fold = +900 %)")
  A.eq(tostring(r.change_basis), "2017")
end

function T.s003_vietnam_fifth_among_kaluga_partners()
  -- "Vietnam currently ranks fifth among foreign trade partners of Kaluga"
  local r = one(rankings.find{subject = "VNM", area = "RU-KLU"}, "rk-klu-vnm")
  A.eq(r.rank, 5)
  A.eq(math.type(r.rank), "integer")
  A.eq(r.among, "foreign trade partners")
end

function T.s003_kaluga_china_rail_route_and_proposal()
  -- "if the existing rail route between Kaluga and China is optimised and connected with Vietnam"
  local rs = routes.find{mode = "rail", area = "RU-KLU"}
  A.eq(ids(rs), "r-klu-chn-rail-existing r-klu-chn-vnm-rail-proposed")
  A.eq(rs[1].status, "operating")
  A.eq(rs[1].stops, "RU-KLU;CHN")
  A.eq(rs[2].status, "proposed")
  A.eq(rs[2].stops, "RU-KLU;CHN;VNM")
end

function T.s003_may_double_to_10_billion()
  -- "trade between Vietnam and Russia may double to reach 10 billion USD per year"
  local r = one(targets.find{reporter = "VNM", partner = "RUS", flow = "turnover"}, "tg-vnru-rail-10bn")
  quantity_is(r.value, 10000000000, 10000000000, "exact", "USD")
  A.eq(r.period, "unspecified")
  A.truthy(r.condition:find("rail route between Kaluga and China", 1, true))
end

-- ---- s004: border trade ---------------------------------------------------------------------

function T.s004_two_conferences()
  -- "The Ministry of Industry and Trade yesterday hosted a conference ..." / "In the afternoon of
  -- the same day, the Ministry ... organized a conference"
  local rs = agreements.find{kind = "conference"}
  A.eq(ids(rs), "a-moit-border-conference a-moit-tradeoffices-conference")
end

function T.s004_border_over_5000_km()
  -- "over 5,000- kilometer long borderline with China, Laos and Cambodia"
  local r = one(other.find{unit = "km"}, "o-vn-land-border-length")
  quantity_is(r.value, 5000, nil, "more_than", "km")
end

function T.s004_regional_trading_centre()
  -- "aspire to become the trading center of the region"
  local r = one(targets.find{source = "s004"}, "tg-vn-regional-trading-centre")
  A.eq(r.value, nil)
end

function T.s004_tens_of_billions_through_road_border_gates()
  -- "the annual volume of goods exchanged through all road border gates has reached tens of
  -- billions dollars"
  local r = one(trade.find{via = "X-RBG", qualifier = "range"}, "t-vnnb-rbg-annual")
  quantity_is(r.value, 10000000000, 100000000000, "range", "USD")
  A.eq(r.period, nil)
end

function T.s004_two_months_2024_8_44_billion_up_28_5()
  -- "In the first two months of 2024, Vietnam's import-export turnover through road border
  -- gates with neighboring countries reached US$8.44 billion, up 28.5 percent"
  local r = one(trade.find{via = "X-RBG", within = "2024-Q1"}, "t-vnnb-rbg-2024m01-02")
  A.eq(tostring(r.period), "2024-01/2024-02")
  A.eq(r.partner, "X-VNNB")
  quantity_is(r.value, 8440000000, 8440000000, "exact", "USD")
  quantity_is(r.change, 0.285, 0.285, "exact", nil, "change")
  A.eq(tostring(r.change_basis), "2023-01/2023-02")
end

function T.s004_rail_gauge_obstacle()
  -- "the lack of synchronization in international intermodal railway operation with China
  -- regarding track gauge"
  local r = one(routes.find{metric = "obstacle"}, "r-vnm-chn-rail-gauge")
  A.eq(r.stops, "VNM;CHN")
end

function T.every_row_has_a_source_and_its_sentence_is_in_the_seed()
  -- every sentence is copied character for character from its seed file
  local seeds = {}
  for _, s in sources.all():rows() do
    local path = DATA .. "/../../shared/seeds/" .. s.seed_file
    local f = io.open(path, "rb")
    if not f then f = io.open("/work/shared/seeds/" .. s.seed_file, "rb") end
    if f then seeds[s.id] = f:read("a"); f:close() end
  end
  local nseeds = 0
  for _ in pairs(seeds) do nseeds = nseeds + 1 end
  A.eq(nseeds, 5, "seed files read")
  local n = 0
  for _, name in ipairs{"trade", "routes", "tourism", "agreements", "targets", "rankings", "other"} do
    for _, r in _G[name].all():rows() do
      n = n + 1
      A.truthy(seeds[r.source]:find(r.sentence, 1, true), name .. "/" .. r.id .. ": sentence in its seed")
    end
  end
  A.eq(n, 11 + 7 + 1 + 21 + 3 + 1 + 4, "rows in the dataset")
end

-- ---- filters ---------------------------------------------------------------------------------

function T.filter_by_area_includes_parents_and_groupings()
  -- X-RUFE's parent is RUS and RU-KLU's (from iso-codes) is RUS: both lie within RUS
  A.eq(ids(trade.find{area = "RUS"}),
    "t-vnrufe-2023h1 t-vnru-vvo-transit t-vnru-2023q1 t-vnru-2023m01-07 t-vnru-2023 "
    .. "t-vnru-2024m01-09 t-vnru-2024m01-11 t-kluvnm-2020")
  -- the Far East: itself, and via RUVVO (Vladivostok, in RU-PRI, a member of X-RUFE)
  A.eq(ids(trade.find{area = "X-RUFE"}), "t-vnrufe-2023h1 t-vnru-vvo-transit")
  A.eq(ids(trade.find{area = "RU-PRI"}), "t-vnru-vvo-transit")
  -- a grouping holds its members, not the other way round
  A.eq(ids(trade.find{area = "X-VNNB"}), "t-vnnb-rbg-annual t-vnnb-rbg-2024m01-02")
  A.eq(ids(trade.find{area = "CHN"}), "")
  A.eq(ids(routes.find{area = "CHN"}),
    "r-klu-chn-rail-existing r-klu-chn-vnm-rail-proposed r-vnm-chn-rail-gauge")
  A.eq(#trade.find{area = "X-EAEU"}, 8, "every row within RUS is within the EAEU")
  A.eq(ids(routes.find{area = "X-RUFE"}),
    "r-vvo-hph-sgn-opened r-vvo-hph-sgn-2023m01-07 r-vnm-rufe-shortest")
  -- a list of areas: rows in any
  A.eq(ids(trade.find{area = {"RU-KLU", "X-VNNB"}}),
    "t-kluvnm-2020 t-vnnb-rbg-annual t-vnnb-rbg-2024m01-02")
  -- other.area is a list column
  A.eq(ids(other.find{area = "RUS"}), "o-vnru-cooperation-75y")
end

function T.filter_text_is_exact()
  -- a column filter compares the text: partner = "RUS" is not X-RUFE or RU-KLU
  A.eq(ids(trade.find{partner = "RUS"}),
    "t-vnru-vvo-transit t-vnru-2023q1 t-vnru-2023m01-07 t-vnru-2023 t-vnru-2024m01-09 t-vnru-2024m01-11")
  A.eq(ids(trade.find{partner = {"RUS", "VNM"}}),
    "t-vnru-vvo-transit t-vnru-2023q1 t-vnru-2023m01-07 t-vnru-2023 t-vnru-2024m01-09 "
    .. "t-vnru-2024m01-11 t-kluvnm-2020")
  A.eq(ids(trade.find{partner = {"VNM", "RUS"}}), ids(trade.find{partner = {"RUS", "VNM"}}),
    "file order whatever the order of the values")
  A.eq(ids(trade.find{reporter = {"RUS", "VNM"}, partner = "VNM"}), "")
  A.eq(#trade.find{flow = "turnover"}, 10)
  A.eq(#trade.find{flow = {"export", "import"}}, 1)
  A.eq(#trade.find{}, 11)
  A.eq(#trade.all(), 11)
  A.eq(#trade.find(), 11)
end

function T.filter_period_overlaps_and_within()
  -- period = p: the row's period overlaps p
  A.eq(ids(trade.find{period = "2023"}), "t-vnrufe-2023h1 t-vnru-2023q1 t-vnru-2023m01-07 t-vnru-2023")
  A.eq(ids(trade.find{period = "2023-Q1", partner = "RUS"}), "t-vnru-2023q1 t-vnru-2023m01-07 t-vnru-2023")
  A.eq(ids(trade.find{period = "2023-H2"}), "t-vnru-2023m01-07 t-vnru-2023")
  A.eq(ids(trade.find{period = "2024-10"}), "t-agrifood-2024 t-vnru-2024m01-11")
  -- within = p: the row's period lies inside p
  A.eq(ids(trade.find{within = "2023-H1"}), "t-vnrufe-2023h1 t-vnru-2023q1")
  A.eq(ids(trade.find{within = "2023-Q1"}), "t-vnru-2023q1")
  A.eq(ids(trade.find{within = "2024"}),
    "t-vnru-2024m01-09 t-agrifood-2024 t-vnru-2024m01-11 t-vnnb-rbg-2024m01-02")
  A.eq(ids(trade.find{within = "2024-01/2024-10"}), "t-vnru-2024m01-09 t-vnnb-rbg-2024m01-02")
  -- rows without a period never match
  A.eq(ids(trade.find{within = "1000-01/9999-12"}), "t-vnrufe-2023h1 t-vnru-2023q1 t-vnru-2023m01-07 "
    .. "t-vnru-2023 t-vnru-2024m01-09 t-agrifood-2024 t-vnru-2024m01-11 t-kluvnm-2020 "
    .. "t-vnnb-rbg-2024m01-02")
  -- any period column by its name; period values and dates work as filters
  A.eq(ids(trade.find{change_basis = "2022"}), "t-vnrufe-2023h1 t-vnru-2023q1 t-vnru-2023m01-07 t-vnru-2023")
  A.eq(ids(trade.find{period = period "2020"}), "t-kluvnm-2020")
  A.eq(ids(trade.find{period = date "2020-06-15"}), "t-kluvnm-2020")
  A.eq(ids(trade.find{period = 2020}), "t-kluvnm-2020")
end

function T.filter_errors_name_what_was_wrong()
  local err = A.errors(function() local rs = trade.find{foo = "x"}; return rs end,
    "trade has no column 'foo' (filter by a column, 'area' or 'within')")
  A.truthy(err:find("^[^:]*" .. THIS), "raised at the caller's line: " .. err)
  err = A.errors(function() local rs = trade.find{reporter = "XXX"}; return rs end,
    "unknown area code 'XXX'")
  A.truthy(err:find("^[^:]*" .. THIS), "raised at the caller's line: " .. err)
  A.errors(function() local rs = trade.find{area = "XXX"}; return rs end, "unknown area code 'XXX'")
  A.errors(function() local rs = trade.find{partner = {"RUS", "ZZZ"}}; return rs end,
    "unknown area code 'ZZZ'")
  A.errors(function() local rs = trade.find{flow = "exports"}; return rs end,
    "'exports' is not a flow (one of export|import|turnover|balance)")
  A.errors(function() local rs = trade.find{flow = ""}; return rs end,
    "'' is not a flow (one of export|import|turnover|balance)")
  A.errors(function() local rs = trade.find{flow = "export|import"}; return rs end,
    "'export|import' is not a flow")
  A.errors(function() local rs = trade.find{flow = "port"}; return rs end, "'port' is not a flow")
  A.errors(function() local rs = trade.find{period = "2023-13"}; return rs end,
    "filter 'period': '2023-13' is not a period: month '13' is not 01..12")
  A.errors(function() local rs = trade.find{within = {}}; return rs end,
    "filter 'within': expected a period, got table")
  A.errors(function() local rs = areas.find{within = "2023"}; return rs end,
    "areas has no column 'period'")
  err = A.errors(function() local rs = trade.find("VNM"); return rs end,
    "bad argument #1 to 'find' (table expected, got string)")
  A.truthy(err:find("^[^:]*" .. THIS), "raised at the caller's line: " .. err)
  err = A.errors(function() local r = trade.get(); return r end,
    "bad argument #1 to 'get' (string expected, got no value)")
  A.truthy(err:find("^[^:]*" .. THIS), "raised at the caller's line: " .. err)
  local rs = trade.find{reporter = "VNM"}
  err = A.errors(function() local r2 = rs:find{nope = 1}; return r2 end, "trade has no column 'nope'")
  A.truthy(err:find("^[^:]*" .. THIS), "raised at the caller's line: " .. err)
end

-- ---- result sets and rows -----------------------------------------------------------------------

function T.result_set_length_index_and_rows()
  local rs = trade.find{reporter = "VNM", partner = "RUS"}
  A.eq(#rs, 6)
  A.eq(rs:table(), "trade")
  A.eq(rs[1]:text("id"), "t-vnru-vvo-transit")
  A.eq(rs[6].id, "t-vnru-2024m01-11")
  A.eq(rs[0], nil)
  A.eq(rs[7], nil)
  local seen = {}
  for i, row in rs:rows() do seen[#seen + 1] = i .. "=" .. row.id end
  A.eq(table.concat(seen, " "), "1=t-vnru-vvo-transit 2=t-vnru-2023q1 3=t-vnru-2023m01-07 "
    .. "4=t-vnru-2023 5=t-vnru-2024m01-09 6=t-vnru-2024m01-11")
  A.eq(rs[2], trade.get("t-vnru-2023q1"), "the same row compares equal")
  A.eq(rs:columns()[1], "id")
  A.eq(#rs:columns(), 18)
  A.eq(trade.columns[18], "note")
  -- refining keeps the parent as it is
  local r2 = rs:find{within = "2023"}
  A.eq(ids(r2), "t-vnru-2023q1 t-vnru-2023m01-07 t-vnru-2023")
  A.eq(ids(r2:find{period = "2023-Q1", qualifier = "exact"}), "t-vnru-2023q1 t-vnru-2023m01-07")
  A.eq(#rs, 6)
  A.eq(#rs:find{}, 6)
  A.eq(#rs:find{partner = "VNM"}, 0)
end

function T.row_views()
  local r = trade.get("t-vnru-2023q1")
  A.eq(r.table, "trade")
  A.eq(r.id, "t-vnru-2023q1")
  A.eq(getmetatable(r.period).__name, "tradescope.period")
  A.eq(getmetatable(r.value).__name, "tradescope.quantity")
  A.eq(r:text("period"), "2023-Q1")
  A.eq(r:text("change"), "-0.49")
  A.eq(r:text("via"), nil)
  A.eq(r.via, nil)
  A.eq(r:fields().note, "Stated by the Vietnamese Trade Counselor in Russia.")
  A.eq(r:fields().via, nil)
  A.errors(function() return r:text("nope") end, "no such column")
  A.eq(trade.get("t-nope"), nil)
  A.eq(tostring(r), "trade t-vnru-2023q1: 2023-Q1 VNM RUS turnover TOTAL 732 M USD -49 % 2022-Q1 s000")
end

function T.result_set_prints_an_aligned_table()
  local text = tostring(trade.find{reporter = "VNM", partner = "RUS", within = "2023-Q1"})
  local want = table.concat({
    "id             period   reporter  partner  via  flow      commodity  value      change  change_basis  source",
    "-------------  -------  --------  -------  ---  --------  ---------  ---------  ------  ------------  ------",
    "t-vnru-2023q1  2023-Q1  VNM       RUS           turnover  TOTAL      732 M USD  -49 %   2022-Q1       s000",
    "(1 row, trade)"}, "\n")
  A.eq(text, want)
  text = tostring(trade.find{within = "2023-H1"})
  local lines = {}
  for l in (text .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = l end
  A.eq(#lines, 5)
  A.truthy(lines[1]:find("^id%s+period%s+reporter%s+partner%s+via%s+flow%s+commodity%s+value%s+change%s+change_basis%s+source$"), lines[1])
  A.truthy(lines[3]:find("^t%-vnrufe%-2023h1%s+2023%-H1%s+VNM%s+X%-RUFE%s+turnover%s+TOTAL%s+150–160 M USD%s+~%+20 %%%s+2022%-H1%s+s000$"), lines[3])
  A.eq(lines[5], "(2 rows, trade)")
  A.eq(tostring(trade.find{partner = "CHN"}):match("[^\n]*$"), "(0 rows, trade)")
end

function T.sources_of_rows_sets_and_ids()
  local r = trade.get("t-vnru-2023q1")
  local sentence = "In the first quarter of 2023, the bilateral trade reached 732 million USD, down 49% over the same period in 2022."
  for _, s in ipairs{sources(r), sources("trade/t-vnru-2023q1"),
                     sources(trade.find{reporter = "VNM", partner = "RUS", within = "2023-Q1"})} do
    A.eq(#s, 1)
    A.eq(s[1].source, "s000")
    A.eq(s[1].seed_file, "000_8bf721455e9f1268.txt")
    A.eq(s[1].sentence, sentence)
    local text = tostring(s)
    A.truthy(text:find(sentence, 1, true), "sentence in: " .. text)
    A.truthy(text:find("000_8bf721455e9f1268.txt", 1, true), "seed file in: " .. text)
    A.truthy(text:find("Vietnam and Russia review trade and the role of Vladivostok port", 1, true))
  end
  local s = sources(trade.find{within = "2024"})
  A.eq(#s, 4)
  A.eq(s[4].seed_file, "004_40f1389a3a2559f9.txt")
  A.eq(tostring(sources(trade.find{partner = "CHN"})), "(no sources)")
  local err = A.errors(function() return sources("trade/nope") end, "sources: no row 'trade/nope'")
  A.errors(function() return sources(5) end, "sources: expected a row, a result set or 'table/id'")
  err = A.errors(function() local x = sources(areas.get("X-RUFE")); return x end,
    "sources: areas rows have no source")
  A.truthy(err:find("^[^:]*" .. THIS), "raised at the caller's line: " .. err)
  A.errors(function() local x = sources("sources/s000"); return x end, "sources: sources rows have no source")
  A.eq(#sources.all(), 5)
  A.eq(sources.get("s003").seed_file, "003_ad565ece6cbeef54.txt")
end

function T.areas_by_code()
  local k = area("RU-KLU")
  A.eq(k.code, "RU-KLU")
  A.eq(k.name, "Kaluzhskaya oblast'")
  A.eq(k.parent, "RUS")
  A.eq(area("VNM").name, "Viet Nam")
  A.eq(area("X-RUFE").name, "Russia's Far East")
  A.eq(area("X-RUFE").kind, "grouping")
  A.eq(area("X-RUFE").parent, "RUS")
  A.eq(area("RUVVO").parent, "RU-PRI")
  A.eq(area("XXX"), nil)
  A.eq(ids(areas.find{kind = "grouping"}), "X-RUFE X-EAEU X-RBG X-VNNB")
end

-- ---- editing -------------------------------------------------------------------------------------------

local Q1_LINE = 't-vnru-2023q1,2023-Q1,VNM,RUS,,turnover,TOTAL,exact,732000000,,USD,-0.49,exact,,2022-Q1,s000,'
  .. '"In the first quarter of 2023, the bilateral trade reached 732 million USD, down 49% over the same '
  .. 'period in 2022.",Stated by the Vietnamese Trade Counselor in Russia.\n'
local Q1_CORRECTED = 't-vnru-2023q1,2023-Q1,VNM,RUS,,turnover,TOTAL,exact,732000000,,USD,-0.49,exact,,2022-Q1,s000,'
  .. '"In the first quarter of 2023, the bilateral trade reached 732 million USD, down 49% over the same '
  .. 'period in 2022.",x\n'
local ADDED_LINE = 't-test-added,2024-12,VNM,RUS,,turnover,TOTAL,exact,1000000,,USD,,,,,s002,'
  .. '"A test sentence, with a comma.",\n'

T.edit_correct_add_save = restoring(function()
  local dir = data_copy()
  A.eq(dataset.load(dir), true)
  A.eq(dataset.dir(), dir)
  dataset.correct("trade", "t-vnru-2023q1", {note = "x"})
  dataset.add("trade", {id = "t-test-added", period = "2024-12", reporter = "VNM", partner = "RUS",
    flow = "turnover", commodity = "TOTAL", qualifier = "exact", value = 1000000, unit = "USD",
    source = "s002", sentence = "A test sentence, with a comma."})
  -- the edits are visible before the save
  A.eq(trade.get("t-vnru-2023q1").note, "x")
  A.eq(ids(trade.find{within = "2024-12"}), "t-test-added")
  A.eq(#trade.all(), 12)
  local mode = lfs.attributes(dir .. "/trade.csv", "permissions")
  local written = dataset.save()
  A.eq(lfs.attributes(dir .. "/trade.csv", "permissions"), mode, "a save keeps the file's mode")
  A.eq(#written, 1)
  A.eq(written[1], dir .. "/trade.csv")
  -- every other file keeps its bytes
  local files = files_under(DATA)
  A.truthy(#files >= 12, "files in the data directory")
  A.eq(table.concat(files_under(dir), " "), table.concat(files, " "), "no file added or removed")
  for _, f in ipairs(files) do
    if f ~= "trade.csv" then A.truthy(read(dir .. "/" .. f) == read(DATA .. "/" .. f), f .. " unchanged") end
  end
  -- trade.csv: the corrected row in its place, the new one at the end, the rest byte for byte
  local before = read(DATA .. "/trade.csv")
  local at = before:find(Q1_LINE, 1, true)
  A.truthy(at, "the original line is in trade.csv")
  local want = before:sub(1, at - 1) .. Q1_CORRECTED .. before:sub(at + #Q1_LINE) .. ADDED_LINE
  A.truthy(read(dir .. "/trade.csv") == want, "trade.csv differs only in the two rows")
  -- nothing left to save; the saved files load back
  A.eq(#dataset.save(), 0)
  dataset.load(dir)
  A.eq(trade.get("t-vnru-2023q1").note, "x")
  quantity_is(trade.get("t-test-added").value, 1000000, 1000000, "exact", "USD")
  A.eq(#trade.all(), 12)
  local left = {}
  for name in lfs.dir(dir) do if name:find("tmp", 1, true) then left[#left + 1] = name end end
  A.eq(#left, 0, "temporary files left")
end)

T.edit_errors_change_nothing = restoring(function()
  local dir = data_copy()
  dataset.load(dir)
  local err = A.errors(function() dataset.correct("trade", "t-vnru-2023m01-07", {period = "2023-13"}) end,
    "trade: row 't-vnru-2023m01-07': column 'period': '2023-13' is not a period: month '13' is not 01..12")
  A.eq(tostring(trade.get("t-vnru-2023m01-07").period), "2023-01/2023-07")
  A.errors(function() dataset.correct("trade", "t-vnru-2023q1", {value = "1.9e9"}) end,
    "column 'value': '1.9e9' is not a plain decimal number")
  A.errors(function() dataset.correct("trade", "t-vnru-2023q1", {reporter = "XXX"}) end,
    "column 'reporter': unknown area code 'XXX'")
  A.errors(function() dataset.correct("trade", "t-vnru-2023q1", {value_high = 800000000}) end,
    "column 'value_high': is set but 'qualifier' is not 'range'")
  A.errors(function() dataset.correct("trade", "t-vnru-2023q1", {id = "t-other"}) end,
    "trade: row 't-vnru-2023q1': the id cannot change")
  A.errors(function() dataset.correct("trade", "t-vnru-2023q1", {nope = 1}) end,
    "trade has no column 'nope'")
  A.errors(function() dataset.correct("trade", "t-nope", {note = "x"}) end, "trade: no row 't-nope'")
  A.errors(function() dataset.add("trade", {id = "t-vnru-2023q1", flow = "turnover", commodity = "TOTAL",
    source = "s000", sentence = "S."}) end,
    "trade: row 't-vnru-2023q1': column 'id': duplicate 't-vnru-2023q1' (first on line 4)")
  A.errors(function() dataset.add("trade", {id = "t-x", flow = "turnover", commodity = "TOTAL",
    source = "s999", sentence = "S."}) end, "trade: row 't-x': column 'source': unknown source 's999'")
  A.eq(trade.get("t-x"), nil)
  A.eq(#trade.all(), 11)
  -- a correction that empties a field (false) is checked too
  A.errors(function() dataset.correct("trade", "t-vnru-2023q1", {qualifier = false}) end,
    "column 'qualifier': is empty but 'value' is set")
  A.eq(#dataset.save(), 0, "nothing changed, nothing written")
  for _, f in ipairs(files_under(DATA)) do
    A.truthy(read(dir .. "/" .. f) == read(DATA .. "/" .. f), f .. " unchanged")
  end
  -- a correction that removes a field and one that only rewrites
  dataset.correct("trade", "t-vnru-2023q1", {note = false})
  A.eq(trade.get("t-vnru-2023q1").note, nil)
end)

T.a_broken_dataset_does_not_replace_the_loaded_one = restoring(function()
  local good = data_copy()
  dataset.load(good)
  dataset.correct("trade", "t-vnru-2023q1", {note = "in memory"})
  local bad = data_copy()
  local text = read(bad .. "/trade.csv")
  local fixed = text:gsub("\nt%-vnru%-2023q1,2023%-Q1,", "\nt-vnru-2023q1,2023-13,", 1)
  A.truthy(fixed ~= text, "the fixture was changed")
  write(bad .. "/trade.csv", fixed)
  local err = A.errors(function() dataset.load(bad) end)
  A.eq(err, bad .. "/trade.csv:4:15: column 'period': '2023-13' is not a period: month '13' is not 01..12")
  -- the dataset in use is still the one loaded before, edits included
  A.eq(dataset.dir(), good)
  A.eq(trade.get("t-vnru-2023q1").note, "in memory")
  A.eq(#trade.all(), 11)
  -- a missing table names its path
  os.remove(bad .. "/routes.csv")
  write(bad .. "/trade.csv", text)
  err = A.errors(function() dataset.load(bad) end)
  A.eq(err, bad .. "/routes.csv: cannot open: No such file or directory")
  A.eq(dataset.dir(), good)
  -- an areas.csv code that clashes with an ISO code
  write(bad .. "/routes.csv", read(DATA .. "/routes.csv"))
  local areas_text = read(bad .. "/areas.csv")
  write(bad .. "/areas.csv", areas_text .. "VNM,Vietnam again,grouping,,,project,\n")
  err = A.errors(function() dataset.load(bad) end)
  A.eq(err, bad .. "/areas.csv:13:1: column 'code': area code 'VNM' defined twice")
  write(bad .. "/areas.csv", areas_text)
  A.eq(dataset.load(bad), true)
  A.eq(dataset.dir(), bad)
  A.eq(trade.get("t-vnru-2023q1").note, "Stated by the Vietnamese Trade Counselor in Russia.")
end)

return T
