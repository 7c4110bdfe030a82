-- tradescope.report: formatting, footnotes, the five writers, atomic writes.
--
-- Golden files: tests/report/golden/{dataset,plain}.{txt,md,html,csv,json}
-- hold the exact output of the two fixed reports below (one from the bundled
-- dataset, one from plain Lua tables).  After an intended change to a
-- writer, regenerate them and review the diff before committing:
--
--     UPDATE_GOLDEN=1 ./tradescope tests/lua/run.lua report
local A = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/assert.lua")
local cjson = require "cjson"
local lfs = require "lfs"

local HERE = arg[0]:match("^(.*)/[^/]*$") or "."
local GOLDEN = HERE .. "/../report/golden"
local FORMATS = {"txt", "md", "html", "csv", "json"}

local T = {}

-- ---- the two fixed reports ---------------------------------------------------------

local function dataset_report()
  local r = report.new{title = "Vietnam–Russia turnover", as_of = "2025-01-31",
    subtitle = "Golden-file fixture", author = "tradescope tests"}
  local vr = trade.find{reporter = "VNM", partner = "RUS", flow = "turnover"}
  r:heading("Turnover")
  r:paragraph{"Turnover reached ", trade.get("t-vnru-2024m01-11"), " in Jan–Nov 2024 and ",
    trade.get("t-vnru-2024m01-09"), " in Jan–Sep 2024."}
  r:table(vr, {caption = "As reported"})
  r:chart{series = vr, kind = "bar", title = "Turnover by period", ylabel = "Turnover"}
  r:chart{series = vr, kind = "line", y = "change", title = "Reported change"}
  r:heading("Ranges and bounds", 3)
  r:chart{series = {{label = "Far East, H1 2023", value = trade.get("t-vnrufe-2023h1")},
    {label = "Kaluga, 2020", value = trade.get("t-kluvnm-2020")}}, title = "Regional trade"}
  r:table(routes.find{metric = "volume"}, {columns = {"route", "period", "value"}})
  r:table(tourism.all())
  r:note("Periods differ in length.")
  r:paragraph("Computed by the tests.", {source = "A note of the tests' own."})
  return r
end

local function plain_report()
  local r = report.new{title = "Plain <tables> & \"quotes\"", as_of = date("2024-12-31")}
  r:heading("Records")
  r:table({
    {name = "Hai Phong, port", volume = 20000, share = 0.25, open = true},
    {name = "Say \"hi\"|*now*", volume = quantity("150-160 TEU"), share = -0.5, open = false},
    {name = "line\nbreak", volume = quantity("more than 5 TEU"), share = 0.07,
      source = "Estimated by hand."},
  }, {caption = "Ports", columns = {"name", "volume", {key = "share", label = "Share",
    format = function(row) return report.percent(row.share) end}, "open"}})
  r:table({{"a", 1}, {"b", 1234567}}, {columns = {"Letter", "Number"}})
  r:chart{series = {{label = "North", value = -12.5}, {label = "South", value = 40},
    {label = "A very long label that has to wrap", value = 7}}, kind = "bar", unit = "TEU",
    xlabel = "Region"}
  r:chart{series = {{label = "2022", value = -0.1}, {label = "2023", value = 0.055},
    {label = "2024", value = quantity("10-20%")}}, kind = "line", unit = "%", title = "Growth"}
  return r
end

local FIXTURES = {dataset = dataset_report, plain = plain_report}

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function first_difference(got, want)
  local n = 1
  local gl, wl = {}, {}
  for l in (got .. "\n"):gmatch("(.-)\n") do gl[#gl + 1] = l end
  for l in (want .. "\n"):gmatch("(.-)\n") do wl[#wl + 1] = l end
  while gl[n] == wl[n] and n <= math.max(#gl, #wl) do n = n + 1 end
  return string.format("line %d:\n  got:  %s\n  want: %s", n, tostring(gl[n]), tostring(wl[n]))
end

function T.golden_files()
  local update = os.getenv("UPDATE_GOLDEN") == "1"
  for name, build in pairs(FIXTURES) do
    local r = build()
    for _, f in ipairs(FORMATS) do
      local path = GOLDEN .. "/" .. name .. "." .. f
      local got = r:render(f)
      if update then
        report.write_file(path, got)
      else
        local want = read(path)
        if got ~= want then error(path .. " differs at " .. first_difference(got, want)) end
      end
    end
  end
end

function T.same_inputs_give_the_same_bytes()
  for _, build in pairs(FIXTURES) do
    local a, b = build(), build()
    for _, f in ipairs(FORMATS) do A.eq(a:render(f), b:render(f), f) end
  end
end

-- ---- formatting ---------------------------------------------------------------------

function T.numbers_as_analysts_write_them()
  A.eq(report.number(204000), "204,000")
  A.eq(report.number(4.4e9), "4.4 bn")
  A.eq(report.number(-3500), "-3,500")
  A.eq(report.number(0.274), "0.274")
end

function T.changes_as_percentages()
  A.eq(report.percent(0.274), "+27.4 %")
  A.eq(report.percent(-0.157), "-15.7 %")
  A.eq(report.percent(0.24), "+24 %")
  A.eq(report.percent(9), "+900 %")
  A.eq(report.percent(0), "0 %")
  A.eq(report.percent(quantity("10-20%")), "+10–20 %")
  A.eq(report.percent(quantity("more than 5%")), "> +5 %")
  A.eq(report.percent(quantity("about 20%")), "~+20 %")
end

function T.periods_in_words()
  A.eq(report.period("2023"), "2023")
  A.eq(report.period(period "2023-H1"), "H1 2023")
  A.eq(report.period("2023-Q1"), "Q1 2023")
  A.eq(report.period("2023-07"), "Jul 2023")
  A.eq(report.period("2024-01/2024-09"), "Jan–Sep 2024")
  A.eq(report.period("2023-11/2024-02"), "Nov 2023–Feb 2024")
  A.eq(report.period("unspecified"), "unspecified")
end

function T.dataset_figures_keep_ranges_and_bounds()
  local r = report.new{title = "t", as_of = "2025-01-31"}
  r:table(trade.find{id = {"t-vnrufe-2023h1", "t-kluvnm-2020"}})
  r:table(routes.find{metric = "volume"})
  local txt = r:render("txt")
  A.truthy(txt:find("150–160 M USD", 1, true), "range")
  A.truthy(txt:find("~+20 %", 1, true), "approximate change")
  A.truthy(txt:find("> 315 M USD", 1, true), "lower bound")
  A.truthy(txt:find("> 20,000 TEU", 1, true), "lower bound in TEU")
  A.truthy(txt:find("H1 2023", 1, true), "period in words")
end

-- ---- footnotes ------------------------------------------------------------------------

function T.each_source_is_one_footnote_numbered_by_first_citation()
  local r = report.new{title = "t", as_of = "2025-01-31"}
  -- s002 first, then s001 twice (two rows), then s002 again
  r:paragraph{trade.get("t-vnru-2024m01-11"), " and ", trade.get("t-vnru-2024m01-09"),
    " and ", trade.get("t-vnru-2023")}
  A.eq(#r.footnotes, 2, "footnotes")
  A.eq(r.footnotes[1].id, "s002")
  A.eq(r.footnotes[2].id, "s001")
  A.eq(select("#", r:footnote(trade.get("t-vnru-2024m01-11"))), 1)
  A.eq(r:footnote(trade.get("t-vnru-2024m01-11")), 1, "cited again: same number")
  A.eq(r:footnote("sources/s003"), 3, "a source by table/id")
  A.eq(r:footnote("A plain remark."), 4)
  A.eq(r:footnote("A plain remark."), 4, "the same text: the same note")
  local txt = r:render("txt")
  -- a row without a value stands for its change
  A.truthy(txt:find("4.1 bn USD[1] and 4.4 bn USD[2] and +8.3 %[2]", 1, true), txt)
end

function T.footnote_names_title_date_and_seed_file()
  local r = report.new{title = "t", as_of = "2025-01-31"}
  r:table(tourism.all())
  local txt = r:render("txt")
  -- s001 in data/sources.csv: title, date 2025-01 (inferred), seed file
  local flat = txt:gsub("\n%s*", " ")
  A.truthy(flat:find("[1] Russian Prime Minister Mishustin's two-day visit to Vietnam. "
    .. "Publisher not stated, 2025-01 (date inferred); seed file 001_0a5656f814c64368.txt "
    .. "(source s001).", 1, true), txt)
end

function T.every_dataset_row_of_a_table_is_footnoted_with_its_source()
  local r = report.new{title = "t", as_of = "2025-01-31"}
  local rs = trade.all()
  r:table(rs)
  local doc = cjson.decode(r:render("json"))
  local rows = doc.blocks[1].rows
  A.eq(#rows, #rs, "rows")
  for i, row in rs:rows() do
    A.eq(#rows[i].footnotes, 1, "footnotes of row " .. i)
    A.eq(doc.footnotes[rows[i].footnotes[1]].id, row.source, "source of row " .. i)
    A.eq(rows[i].id, row.id, "id of row " .. i)
  end
end

function T.an_empty_result_set_keeps_its_columns()
  local r = report.new{title = "t", as_of = "2025-01-31"}
  r:table(tourism.find{origin = "CHN"}, {caption = "None"})
  A.eq(r:render("csv"), "period,origin,destination,value,change,change_basis\n")
end

function T.a_row_in_two_cells_is_one_footnote()
  local r = report.new{title = "t", as_of = "2025-01-31"}
  local row = trade.get("t-vnru-2023q1")
  r:table({{a = row, b = row}})
  A.eq(r:render("csv"), "a,a_high,a_unit,a_qualifier,b,b_high,b_unit,b_qualifier,source\n"
    .. "732000000,,USD,exact,732000000,,USD,exact,s000\n")
end

-- ---- the writers --------------------------------------------------------------------

function T.json_reads_back_with_the_figures()
  local r = report.new{title = "Q1", as_of = "2025-01-31"}
  r:table(trade.find{id = {"t-vnru-2023q1", "t-vnrufe-2023h1"}}, {columns = {"period", "value"}})
  r:chart{series = {{label = "x", value = 5}}, unit = "TEU"}
  local doc = cjson.decode(r:render("json"))
  A.eq(doc.title, "Q1")
  A.eq(doc.as_of, "2025-01-31")
  A.eq(doc.format, "tradescope-report")
  local t = doc.blocks[1]
  A.eq(t.type, "table")
  A.eq(t.columns[2].key, "value")
  A.eq(t.rows[1].cells[1].text, "H1 2023")
  A.eq(t.rows[1].cells[1].raw, "2023-H1")
  A.eq(t.rows[1].cells[2].quantity.value, 150000000)
  A.eq(t.rows[1].cells[2].quantity.high, 160000000)
  A.eq(t.rows[1].cells[2].quantity.qualifier, "range")
  A.eq(t.rows[2].cells[2].quantity.value, 732000000)
  A.eq(t.rows[2].cells[2].text, "732 M USD")
  local c = doc.blocks[2]
  A.eq(c.type, "chart")
  A.eq(c.points[1].value, 5)
  A.eq(c.points[1].text, "5 TEU")
  A.eq(#doc.footnotes, 1, "both rows come from s000")
end

function T.json_keys_are_sorted_and_empty_lists_stay_lists()
  local r = report.new{title = "t", as_of = "2025-01-31", subtitle = "s"}
  r:paragraph("x")
  local json = r:render("json")
  local order = {}
  for key in json:gmatch('\n  "([%w_]+)":') do order[#order + 1] = key end
  A.eq(table.concat(order, " "), "as_of blocks footnotes format subtitle title version")
  A.truthy(json:find('"footnotes": []', 1, true), "an empty list is []")
end

function T.csv_machine_values_and_quoting()
  local r = report.new{title = "t", as_of = "2025-01-31"}
  r:table({{name = "a,b", v = quantity("150-160 million USD")},
    {name = 'say "x"', v = 204000, source = "note"}}, {columns = {"name", "v"}})
  A.eq(r:render("csv"), table.concat({
    "name,v,v_high,v_unit,v_qualifier,source",
    '"a,b",150000000,160000000,USD,range,',
    '"say ""x""",204000,,,,note',
  }, "\n") .. "\n")
end

function T.csv_of_several_tables_and_of_one()
  local r = report.new{title = "t", as_of = "2025-01-31"}
  r:table({{1}}, {columns = {"a"}, caption = "First"})
  r:table({{2}}, {columns = {"b"}})
  A.eq(r:render("csv"), "Table 1: First\na\n1\n\nTable 2\nb\n2\n")
  A.eq(r:render("csv", {table = 2}), "b\n2\n")
  A.errors(function() r:render("csv", {table = 3}) end, "no table 3 (the report has 2)")
  A.errors(function() report.new{title = "t", as_of = "2025"}:render("csv") end, "no tables")
end

function T.html_escapes_text()
  local r = report.new{title = "A <b> & 'c'", as_of = "2025-01-31"}
  r:paragraph("x < y & \"z\"")
  local html = r:render("html")
  A.truthy(html:find("<h1>A &lt;b&gt; &amp; &#39;c&#39;</h1>", 1, true), "title")
  A.truthy(html:find("<p>x &lt; y &amp; &quot;z&quot;</p>", 1, true), "paragraph")
  A.truthy(not html:find("<b>", 1, true), "no raw markup from text")
end

function T.html_is_self_contained_with_print_rules()
  local html = dataset_report():render("html")
  A.truthy(html:find("<style>", 1, true), "inline CSS")
  A.truthy(html:find("@media print", 1, true), "print rules")
  A.truthy(not html:find("<script", 1, true), "no scripts")
  A.truthy(not html:find('src="', 1, true), "nothing fetched")
  local svgs = select(2, html:gsub("<svg ", ""))
  A.eq(svgs, 3, "one inline SVG per chart")
  A.truthy(html:find('<time datetime="2025-01-31">31 January 2025</time>', 1, true), "as-of date")
end

function T.svg_axis_reads_in_bn_and_percent()
  local axis = require("tradescope.report_svg").axis
  local a = axis({{value = 7.32e8, low = 7.32e8, high = 7.32e8}, {value = 4.4e9, low = 4.4e9, high = 4.4e9}}, "USD")
  A.eq(a.unit, "bn USD")
  local labels = {}
  for i, t in ipairs(a.ticks) do labels[i] = t.label end
  A.eq(table.concat(labels, " "), "0 1 2 3 4 5")
  -- -49 % .. +27.4 %: a fifth of the span is 15.3 points, rounded up to 20
  local p = axis({{value = -0.49, low = -0.49, high = -0.49}, {value = 0.274, low = 0.274, high = 0.274}}, "%")
  labels = {}
  for i, t in ipairs(p.ticks) do labels[i] = t.label end
  A.eq(table.concat(labels, " "), "-60 -40 -20 0 20 40")
  A.eq(p.unit, "%")
  -- thousands without a scale word
  local n = axis({{value = 20000, low = 20000, high = 20000}}, "TEU")
  A.eq(n.ticks[#n.ticks].label, "20,000")
  A.eq(n.unit, "TEU")
end

function T.svg_has_title_axis_labels_and_units()
  local r = report.new{title = "t", as_of = "2025-01-31"}
  r:chart{series = trade.find{reporter = "VNM", partner = "RUS", flow = "turnover"},
    title = "Turnover by period", ylabel = "Turnover"}
  local html = r:render("html")
  A.truthy(html:find('<title id="figure-1-title">Turnover by period</title>', 1, true), "title")
  A.truthy(html:find(">Turnover (bn USD)</text>", 1, true), "y axis label with its unit")
  A.truthy(html:find(">Period</text>", 1, true), "x axis label")
  A.truthy(html:find(">Jan–Sep 2024</text>", 1, true), "category label")
  A.truthy(html:find(">4.4 bn USD</text>", 1, true), "value on its bar")
  A.truthy(html:find("2 figures without a value not shown", 1, true), "omitted rows said")
end

function T.text_chart_bars_are_proportional()
  local r = report.new{title = "t", as_of = "2025-01-31"}
  r:chart{series = {{label = "A", value = 1}, {label = "BB", value = 2}}, title = "c"}
  local txt = r:render("txt")
  A.truthy(txt:find("\n  A   " .. string.rep("█", 20) .. "  1\n", 1, true), txt)
  A.truthy(txt:find("\n  BB  " .. string.rep("█", 40) .. "  2\n", 1, true), txt)
end

function T.markdown_escapes_and_footnotes()
  local r = report.new{title = "a*b", as_of = "2025-01-31"}
  r:table({{x = "p|q", y = "seed_file 001_0a.txt _x_"}})
  r:paragraph{"See ", trade.get("t-vnru-2023q1")}
  local md = r:render("md")
  A.truthy(md:find("# a\\*b\n", 1, true), "title escaped")
  -- an underscore inside a word cannot start emphasis: left as it is
  A.truthy(md:find("| p\\|q | seed_file 001_0a.txt \\_x\\_ |", 1, true), md)
  A.truthy(md:find("See 732 M USD[^1]", 1, true), "footnote reference")
  A.truthy(md:find("\n[^1]: Vietnam and Russia review trade", 1, true), "footnote definition")
end

-- ---- misuse ---------------------------------------------------------------------------

function T.new_needs_title_and_as_of()
  A.errors(function() report.new{as_of = "2025-01-31"} end, "report: new: title must be a non-empty string")
  A.errors(function() report.new{title = "t"} end, "report: new: as_of is required")
  A.errors(function() report.new{title = "t", as_of = "2025-02-30"} end, "report: new: as_of: ")
  local err = A.errors(function() report.new{title = "t"} end)
  A.truthy(err:find("test_report.lua:%d+: report:"), "raised at the caller's line: " .. err)
end

function T.bad_charts_and_tables_say_why()
  local r = report.new{title = "t", as_of = "2025-01-31"}
  A.errors(function() r:chart{series = {{label = "a", value = 1}}, kind = "pie"} end,
    "report: chart: kind 'pie' is not bar or line")
  A.errors(function() r:chart{kind = "bar"} end, "report: chart: no series")
  A.errors(function() r:chart{series = {{label = "a", value = quantity "1 USD"},
    {label = "b", value = quantity "1 TEU"}}} end, "figures in different units (USD and TEU)")
  A.errors(function() r:chart{series = {{label = "a", value = quantity "1 USD"}}, unit = "TEU"} end,
    "unit 'TEU' given but the figures are in USD")
  A.errors(function() r:chart{series = trade.find{id = "t-vnru-2023"}} end,
    "none of the 1 items has a value to plot")
  A.errors(function() r:table(42) end, "report: table: expected a result set or a list of rows, got number")
  A.errors(function() r:heading("x", 1) end, "level must be 2, 3 or 4")
  A.errors(function() r:render("pdf") end, "unknown format 'pdf'")
  A.errors(function() r:write("x.pdf") end, "cannot tell the format of 'x.pdf'")
  A.errors(function() r:footnote("trade/no-such-row") end, "no dataset row 'trade/no-such-row'")
end

-- ---- atomic writes ----------------------------------------------------------------------

local function temp_dir()
  local path = os.tmpname()
  os.remove(path)
  assert(lfs.mkdir(path))
  return path
end

local function entries(dir)
  local list = {}
  for f in lfs.dir(dir) do if f ~= "." and f ~= ".." then list[#list + 1] = f end end
  table.sort(list)
  return table.concat(list, " ")
end

local function remove_tree(dir)
  for f in lfs.dir(dir) do
    if f ~= "." and f ~= ".." then
      local p = dir .. "/" .. f
      if lfs.attributes(p, "mode") == "directory" then remove_tree(p) else os.remove(p) end
    end
  end
  lfs.rmdir(dir)
end

function T.write_into_a_missing_directory_fails_and_leaves_nothing()
  local dir = temp_dir()
  local r = plain_report()
  local path = dir .. "/missing/out.html"
  local err = A.errors(function() r:write(path) end)
  A.eq(err, "report: cannot write '" .. path .. "': No such file or directory")
  A.eq(entries(dir), "", "nothing created")
  remove_tree(dir)
end

function T.write_replaces_an_existing_file_whole()
  local dir = temp_dir()
  local path = dir .. "/r.md"
  local f = assert(io.open(path, "wb"))
  f:write(string.rep("old content\n", 10000))
  f:close()
  local r = plain_report()
  A.eq(r:write(path), path)
  A.eq(read(path), r:render("md"))
  A.eq(entries(dir), "r.md", "no temporary file left")
  remove_tree(dir)
end

function T.write_over_a_directory_fails_and_removes_its_temporary_file()
  local dir = temp_dir()
  assert(lfs.mkdir(dir .. "/taken.txt"))
  local err = A.errors(function() plain_report():write(dir .. "/taken.txt") end)
  A.truthy(err:find("report: cannot write '" .. dir .. "/taken.txt': ", 1, true), err)
  A.eq(entries(dir), "taken.txt", "no temporary file left")
  A.eq(lfs.attributes(dir .. "/taken.txt", "mode"), "directory")
  remove_tree(dir)
end

function T.write_each_format_by_extension()
  local dir = temp_dir()
  local r = plain_report()
  for _, f in ipairs(FORMATS) do
    r:write(dir .. "/r." .. f)
    A.eq(read(dir .. "/r." .. f), r:render(f), f)
  end
  r:write(dir .. "/r.htm")
  A.eq(read(dir .. "/r.htm"), r:render("html"), "htm")
  remove_tree(dir)
end

return T
