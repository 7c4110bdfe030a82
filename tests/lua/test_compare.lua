-- compare: side by side, shares, ranks, balance, sources and mirror gaps.
-- Expected values are computed by hand in the comments beside them.
local A = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/assert.lua")

local T = {}

local function has_cells(text, ...)
  local parts = {}
  for i, cell in ipairs({...}) do parts[i] = cell:gsub("%p", "%%%0") end
  return text:find(table.concat(parts, "%s+")) ~= nil
end

local function with_rows(rows, f)
  for _, r in ipairs(rows) do dataset.add("trade", r) end
  local ok, err = pcall(f)
  dataset.load()
  if not ok then error(err, 0) end
end

local function trade_row(id, period, reporter, partner, flow, value, source)
  return {id = id, period = period, reporter = reporter, partner = partner, flow = flow,
          commodity = "TOTAL", qualifier = "exact", value = value, unit = "USD",
          source = source or "s001", sentence = "test figure"}
end

function T.labels()
  A.eq(compare.label(trade.get "t-vnnb-rbg-2024m01-02"), "VNM–X-VNNB turnover via X-RBG")
  A.eq(compare.label(trade.get "t-kluvnm-2020"), "RU-KLU–VNM turnover")
  A.eq(compare.label(trade.get "t-agrifood-2024"), "export (parties not stated) X-AGRIFOOD")
  A.eq(compare.label(tourism.get "tr-ruvn-2024m01-11"), "RUS→VNM visitors")
end

function T.share_of_a_region_by_monthly_average()
  local share, how = compare.share(trade.get "t-vnrufe-2023h1", trade.get "t-vnru-2023m01-07")
  -- (150e6 / 6) / (1.9e9 / 7) = 175 / 1900 = 0.0921052631578947
  -- (160e6 / 6) / (1.9e9 / 7) = 1120 / 11400 = 0.0982456140350877
  A.eq(share:qualifier(), "range")
  A.near(share:low(), 0.0921052631578947, 1e-12, "low share")
  A.near(share:high(), 0.0982456140350877, 1e-12, "high share")
  A.eq(how, "by monthly average: 2023-H1 over 6 months against 2023-01/2023-07 over 7 months")
  local s, same = compare.share(25, 200)
  A.eq(s, 0.125, "25 / 200")
  A.eq(same, "same period")
  A.near(compare.share(quantity "155 million USD", "1.9 billion USD"), 0.0815789473684211, 1e-12,
    "155 / 1900, an exact quantity ratio is a number")
end

function T.side_by_side_of_two_periods()
  local s = compare.side_by_side(trade.get "t-vnru-2023m01-07", trade.get "t-vnru-2024m01-09", {"2023", "2024"})
  A.eq(#s, 2)
  A.eq(s[1].label, "2023")
  A.eq(s[2].months, 9)
  A.eq(s.same_period, false)
  -- (4.4e9 / 9) / (1.9e9 / 7) = 30.8 / 17.1 = 1.80116959064327
  A.near(s.ratio, 1.80116959064327, 1e-12, "per-month ratio")
  local text = tostring(s)
  A.truthy(has_cells(text, "2024", "t-vnru-2024m01-09", "2024-01/2024-09", "9", "4.4 bn USD", "488.889 M USD",
    "+24 %", "2023-01/2023-09", "s001"), text)
  A.truthy(text:find("per month, 2024 is 180.1 % of 2023 (periods differ: compared by monthly average)", 1, true), text)
end

function T.side_by_side_of_the_same_period()
  with_rows({trade_row("test-vnrufe-2023h1", "2023-H1", "VNM", "RUS", "turnover", "1600000000")}, function()
    local s = compare.side_by_side(trade.get "test-vnrufe-2023h1", trade.get "t-vnrufe-2023h1")
    A.eq(s.same_period, true)
    A.eq(s.ratio:qualifier(), "range")
    A.near(s.ratio:low(), 0.09375, 1e-12, "150 / 1600")
    A.near(s.ratio:high(), 0.1, 1e-12, "160 / 1600")
  end)
end

function T.shares_of_a_total()
  local s = compare.shares{a = 30, b = 10}
  A.eq(#s, 2)
  A.eq(s[1].key, "a"); A.eq(s[1].share, 0.75, "30 / 40")
  A.eq(s[2].key, "b"); A.eq(s[2].share, 0.25, "10 / 40")
  A.eq(s.total, 40)
  local r = compare.shares({a = 30, b = 10}, 50)
  A.eq(#r, 3, "the rest of a larger total is listed")
  A.eq(r[1].key, "a"); A.near(r[1].share, 0.6, 1e-12, "30 / 50")
  A.eq(r[2].key, "(rest)"); A.near(r[2].share, 0.2, 1e-12, "(50 - 40) / 50, sorted before b by name")
  A.eq(r[3].key, "b"); A.near(r[3].share, 0.2, 1e-12, "10 / 50")
  local q = compare.shares({fe = quantity "25-26 million USD"}, quantity "100 million USD")
  A.eq(q[1].key, "(rest)")
  A.near(q[1].value:low(), 74e6, 1e-12, "100 - 26"); A.near(q[1].value:high(), 75e6, 1e-12, "100 - 25")
  A.near(q[2].share:low(), 0.25, 1e-12, "25 / 100"); A.near(q[2].share:high(), 0.26, 1e-12, "26 / 100")
  A.truthy(has_cells(tostring(q), "fe", "25–26 M USD", "25–26 %"), tostring(q))
  local by = compare.shares(trade.find{partner = {"RUS", "X-RUFE"}, period = "2023"}, "partner")
  -- RUS 2023: 732e6 + 1.9e9 = 2.632e9; X-RUFE 150-160e6; total 2.782e9 .. 2.792e9
  A.eq(by[1].key, "RUS")
  A.near(by[1].share:low(), 0.942693409742120, 1e-12, "2.632 / 2.792")
  A.near(by[1].share:high(), 0.946081955427750, 1e-12, "2.632 / 2.782")
end

function T.ranks()
  local r = compare.rank{a = 5, b = 9, c = 5, d = 1}
  local got = {}
  for i, e in ipairs(r) do got[i] = e.key .. "=" .. e.rank end
  A.eq(table.concat(got, " "), "b=1 a=2 c=2 d=4", "equal values share a rank, the next skips")
  local u = compare.rank{x = quantity "150-170 million USD", y = quantity "155 million USD",
                         z = quantity "10 million USD"}
  A.eq(u[1].key, "x"); A.eq(u[1].rank, 1); A.eq(u[1].uncertain, true, "160 midpoint, but 150-170 overlaps 155")
  A.eq(u[2].key, "y"); A.eq(u[2].uncertain, true)
  A.eq(u[3].key, "z"); A.eq(u[3].uncertain, nil)
  A.truthy(tostring(u):find("1?", 1, true), tostring(u))
end

function T.balance_and_turnover()
  local b = compare.balance(3e9, 1.4e9)
  A.eq(b.balance, 1.6e9, "3 - 1.4"); A.eq(b.turnover, 4.4e9, "3 + 1.4")
  A.near(b.coverage, 2.14285714285714, 1e-12, "3 / 1.4")
  local q = compare.balance(quantity "150-160 million USD", quantity "20 million USD")
  A.eq(tostring(q.balance), "130–140 M USD", "150 - 20 .. 160 - 20")
  A.eq(tostring(q.turnover), "170–180 M USD")
  A.eq(tostring(q), "exports 150–160 M USD, imports 20 M USD: balance 130–140 M USD, "
    .. "turnover 170–180 M USD, exports cover 750–800 % of imports")
  A.errors(function() return compare.balance(trade.get "t-vnru-2023q1", trade.get "t-vnru-2023m01-07") end,
    "t-vnru-2023q1 is for 2023-Q1 but t-vnru-2023m01-07 for 2023-01/2023-07")
  A.eq(#compare.balance(trade.all()), 0, "the articles give no export and import of one period")
  A.eq(tostring(compare.balance(trade.all())), "(no period has both an export and an import figure for the same trade)")
end

function T.balance_and_mirror_of_result_sets()
  with_rows({
    trade_row("test-vnm-exp", "2024", "VNM", "RUS", "export", "2500000000"),
    trade_row("test-vnm-imp", "2024", "VNM", "RUS", "import", "1000000000"),
    trade_row("test-rus-imp", "2024", "RUS", "VNM", "import", "2700000000"),
  }, function()
    local list = compare.balance(trade.find{reporter = "VNM", period = "2024"})
    A.eq(#list, 1)
    A.eq(tostring(list[1].balance), "1.5 bn USD", "2.5 - 1.0")
    A.eq(tostring(list[1].turnover), "3.5 bn USD", "2.5 + 1.0")
    A.eq(list[1].coverage, 2.5, "2.5 / 1.0")
    A.eq(list[1].label, "VNM–RUS 2024")
    local m = compare.mirror(trade.find{reporter = "VNM"}, trade.find{reporter = "RUS"})
    A.eq(#m, 1)
    A.eq(tostring(m[1].gap), "200 M USD", "2.7 - 2.5")
    A.near(m[1].ratio, 1.08, 1e-12, "2.7 / 2.5")
    A.truthy(tostring(m):find("VNM→RUS 2024: exports reported 2.5 bn USD, mirror imports reported 2.7 bn USD", 1, true),
      tostring(m))
  end)
  local plain = compare.mirror(1e9, 1.07e9)
  A.near(plain.gap, 0.07e9, 1e-12, "1.07 - 1"); A.near(plain.ratio, 1.07, 1e-12)
  A.eq(#compare.mirror(trade.all(), trade.all()), 0, "no mirror pairs in the articles")
end

function T.two_sources_on_one_series()
  local list = compare.sources(trade.find{reporter = "VNM", partner = "RUS", period = "2024"}, "s001", "s002")
  A.eq(#list, 1)
  local p = list[1]
  A.eq(p.a.id, "t-vnru-2024m01-09"); A.eq(p.b.id, "t-vnru-2024m01-11")
  A.eq(p.label, "VNM–RUS turnover")
  A.truthy(p.notes[1]:find("yet the longer period's figure is smaller by 300 M USD: both cannot be true", 1, true),
    p.notes[1]) -- 4.4 bn - 4.1 bn
  -- (4.1e9 / 11) / (4.4e9 / 9) = 36.9 / 48.4 = 0.762396694214876
  A.truthy(p.notes[2]:find("s002's figure is 76.2 % of s001's", 1, true), p.notes[2])
  local text = tostring(list)
  A.truthy(has_cells(text, "s001", "t-vnru-2024m01-09", "2024-01/2024-09", "4.4 bn USD", "488.889 M USD", "+24 %",
    "3.548 bn USD in 2023-01/2023-09"), text) -- 4.4e9 / 9; 4.4e9 / 1.24
  A.truthy(has_cells(text, "3.218 bn USD in 2023-01/2023-11"), text) -- 4.1e9 / 1.274
  A.eq(#compare.sources(trade.all()), 1, "the only series two sources give")
  A.eq(tostring(compare.sources(tourism.all())), "(no figure is given by two sources)")
end

function T.two_sources_same_period()
  with_rows({trade_row("test-s002-jan-sep", "2024-01/2024-09", "VNM", "RUS", "turnover", "4500000000", "s002")},
    function()
      local list = compare.sources(trade.find{period = "2024-01/2024-09"}, "s001", "s002")
      A.eq(#list, 2, "s002's Jan-Nov figure overlaps too")
      A.eq(list[1].b.id, "t-vnru-2024m01-11")
      A.eq(list[2].b.id, "test-s002-jan-sep")
      A.eq(list[2].notes[1], "same period: s001 minus s002 = -100 M USD (-2.2 %)", "4.4 - 4.5; 4.4 / 4.5 - 1")
      A.eq(#list[2].notes, 1)
    end)
end

return T
