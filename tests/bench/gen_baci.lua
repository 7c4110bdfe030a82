-- gen_baci.lua — SYNTHETIC BACI-shaped data for the benchmark (not real trade).
--
--   lua5.4 tests/bench/gen_baci.lua ROWS YEARS OUTDIR [SEED]
--   e.g.  lua5.4 tests/bench/gen_baci.lua 10000000 2022 build/bench/data
--         lua5.4 tests/bench/gen_baci.lua 5000000 2021,2022 build/bench/data
--
-- Writes OUTDIR/BACI_SYNTHETIC_Y<year>_N<rows>_S<seed>.csv (with two years
-- BACI_SYNTHETIC_PAIR_Y<year>_...) with the header t,i,j,k,v,q.  Shape (fixed seed, the same bytes on every run):
--   * 223 real UN/BACI country codes (842 USA, 251 FRA, 699 IND, 757 CHE,
--     490 "Other Asia, nes", 704, 643, 156, 418, 116 ...);
--   * 5,000 HS6 codes over chapters 01-97 (leading zeros kept for 01-09);
--   * exporters, importers and products drawn Zipf-like (a few large, many
--     small), a pair's product count proportional to both partners' weights;
--   * values log-normal (thousand USD, 3 decimals); quantities from a
--     log-normal unit price, about 3 % missing (written NA);
--   * (year, i, j, k) unique; rows sorted by i, j, k as BACI's are;
--   * with two years, the second keeps about 90 % of the first year's
--     (i, j, k) with a log-normal growth factor and adds new ones: the
--     first year has exactly ROWS rows, the second about as many.
-- Runs under lua5.4 or tradescope (Lua 5.4's generator, seeded).

local ROWS = assert(tonumber(arg[1]), "usage: gen_baci.lua ROWS YEARS OUTDIR [SEED]")
local YEARS = {}
for y in assert(arg[2], "YEARS missing"):gmatch("%d+") do YEARS[#YEARS + 1] = tonumber(y) end
local OUTDIR = assert(arg[3], "OUTDIR missing")
assert(#YEARS == 1 or #YEARS == 2, "YEARS: one year or two (Y1,Y2)")
local SEED = tonumber(arg[4] or "20240601")
math.randomseed(SEED)
local random, log, exp, sqrt, cos, floor = math.random, math.log, math.exp, math.sqrt, math.cos,
  math.floor

local COUNTRIES = {
  4, 8, 12, 16, 20, 24, 28, 31, 32, 36, 40, 44, 48, 50, 51, 52, 56, 64, 68, 70, 72, 76, 84, 90,
  96, 100, 104, 108, 112, 116, 120, 124, 132, 136, 140, 144, 148, 152, 156, 170, 174, 178, 180,
  184, 188, 191, 192, 196, 203, 204, 208, 212, 214, 218, 222, 226, 231, 232, 233, 234, 238, 242,
  246, 251, 254, 258, 262, 266, 268, 270, 275, 276, 288, 292, 296, 300, 304, 308, 316, 320, 324,
  328, 332, 340, 344, 348, 352, 360, 364, 368, 372, 376, 380, 384, 388, 392, 398, 400, 404, 408,
  410, 414, 417, 418, 422, 426, 428, 430, 434, 438, 440, 442, 446, 450, 454, 458, 462, 466, 470,
  478, 480, 484, 490, 492, 496, 498, 499, 500, 504, 508, 512, 516, 520, 524, 528, 531, 533, 534,
  540, 548, 554, 558, 562, 566, 570, 578, 580, 583, 584, 585, 586, 591, 598, 600, 604, 608, 616,
  620, 624, 626, 630, 634, 642, 643, 646, 654, 659, 660, 662, 666, 670, 674, 678, 682, 686, 688,
  690, 694, 699, 702, 703, 704, 705, 706, 710, 716, 724, 728, 729, 732, 740, 748, 752, 757, 760,
  762, 764, 768, 772, 776, 780, 784, 788, 792, 795, 796, 798, 800, 804, 807, 818, 826, 834, 842,
  850, 854, 858, 860, 862, 876, 882, 887, 894,
}
-- The largest traders first, so that the tasks' countries have trade.
local LEADERS = {156, 842, 276, 392, 410, 251, 528, 826, 699, 380, 124, 643, 704, 484, 757}

local function normal()
  return sqrt(-2 * log(1 - random())) * cos(2 * math.pi * random())
end

local function shuffle(t)
  for i = #t, 2, -1 do
    local j = random(i)
    t[i], t[j] = t[j], t[i]
  end
end

-- Country ranks: leaders, then the rest in a seeded order.
local function ranked_countries()
  local lead, rest = {}, {}
  for _, c in ipairs(LEADERS) do lead[c] = true end
  for _, c in ipairs(COUNTRIES) do if not lead[c] then rest[#rest + 1] = c end end
  shuffle(rest)
  local out = {}
  for _, c in ipairs(LEADERS) do out[#out + 1] = c end
  for _, c in ipairs(rest) do out[#out + 1] = c end
  return out
end

-- 5,000 distinct HS6 codes: chapters 01-97 without 77, headings and
-- subheadings drawn; leading zeros kept.
local function products()
  local seen, list = {}, {}
  local chapters = {}
  for c = 1, 97 do if c ~= 77 then chapters[#chapters + 1] = c end end
  while #list < 5000 do
    local ch = chapters[random(#chapters)]
    local code = string.format("%02d%02d%02d", ch, random(1, 40), random(0, 9) * 10 + random(0, 9))
    if not seen[code] then
      seen[code] = true
      list[#list + 1] = code
    end
  end
  shuffle(list) -- Zipf rank independent of the code
  return list
end

local function zipf_weights(n, s)
  local w = {}
  for r = 1, n do w[r] = 1 / r ^ s end
  return w
end

local function cumulative(w)
  local c, total = {}, 0
  for i = 1, #w do total = total + w[i]; c[i] = total end
  for i = 1, #w do c[i] = c[i] / total end
  return c
end

local function draw(cum)
  local u, lo, hi = random(), 1, #cum
  while lo < hi do
    local mid = (lo + hi) // 2
    if cum[mid] < u then lo = mid + 1 else hi = mid end
  end
  return lo
end

-- Product counts per (exporter rank, importer rank), summing to exactly
-- `rows`, each at most the number of products.
local function pair_counts(n, nprod, rows)
  local we, wi = zipf_weights(n, 1.1), zipf_weights(n, 0.9)
  local function total(scale)
    local t = 0
    for a = 1, n do for b = 1, n do
      if a ~= b then t = t + math.min(nprod, scale * we[a] * wi[b]) end
    end end
    return t
  end
  local lo, hi = 0, rows * 1000.0
  for _ = 1, 60 do
    local mid = (lo + hi) / 2
    if total(mid) < rows then lo = mid else hi = mid end
  end
  local counts, fracs, sum = {}, {}, 0
  for a = 1, n do
    counts[a] = {}
    for b = 1, n do
      local e = a ~= b and math.min(nprod, hi * we[a] * wi[b]) or 0
      counts[a][b] = floor(e)
      sum = sum + counts[a][b]
      if e < nprod and a ~= b then fracs[#fracs + 1] = {e - floor(e), a, b} end
    end
  end
  table.sort(fracs, function(x, y)
    if x[1] ~= y[1] then return x[1] > y[1] end
    if x[2] ~= y[2] then return x[2] < y[2] end
    return x[3] < y[3]
  end)
  for k = 1, rows - sum do
    local f = assert(fracs[k], "rows too many for the pairs")
    counts[f[2]][f[3]] = counts[f[2]][f[3]] + 1
  end
  return counts
end

-- `count` distinct product indexes, Zipf-like, sorted by code.
local function pick_products(count, cum, nprod, exclude)
  local chosen, list = {}, {}
  if count * 2 > nprod then
    for p = 1, nprod do if not (exclude and exclude[p]) then list[#list + 1] = p end end
    shuffle(list)
    for k = #list, count + 1, -1 do list[k] = nil end
  else
    local tries = 0
    while #list < count do
      local p = tries < 20 * count and draw(cum) or random(nprod)
      tries = tries + 1
      if not chosen[p] and not (exclude and exclude[p]) then
        chosen[p] = true
        list[#list + 1] = p
      end
    end
  end
  return list
end

local function amount(mu, sigma) return exp(mu + sigma * normal()) end

local function row_line(year, i, j, code, v)
  local q = "NA"
  if random() >= 0.03 then q = string.format("%.3f", v / amount(0.5, 1.5)) end
  return string.format("%d,%d,%d,%s,%.3f,%s\n", year, i, j, code, v, q)
end

local function main()
  local countries = ranked_countries()
  local codes = products()
  local nprod = #codes
  local cum = cumulative(zipf_weights(nprod, 0.8))
  local counts = pair_counts(#countries, nprod, ROWS)
  -- Output order is BACI's: by exporter code, importer code, product code.
  local order = {}
  for r, c in ipairs(countries) do order[#order + 1] = {c, r} end
  table.sort(order, function(x, y) return x[1] < y[1] end)
  local files, written = {}, {}
  for n, y in ipairs(YEARS) do
    local prefix = #YEARS == 2 and "BACI_SYNTHETIC_PAIR" or "BACI_SYNTHETIC"
    local path = string.format("%s/%s_Y%d_N%d_S%d.csv", OUTDIR, prefix, y, ROWS, SEED)
    files[n] = assert(io.open(path .. ".tmp", "wb"))
    files[n]:write("t,i,j,k,v,q\n")
    written[n] = {path = path, rows = 0}
  end
  local by_code = function(a, b) return codes[a] < codes[b] end
  for _, ex in ipairs(order) do
    for _, im in ipairs(order) do
      local n = counts[ex[2]][im[2]]
      if n > 0 then
        local first = pick_products(n, cum, nprod)
        local values = {}
        for _, p in ipairs(first) do values[p] = amount(3, 2.5) end
        local sets = {first}
        if #YEARS > 1 then
          local kept, had = {}, {}
          for _, p in ipairs(first) do
            had[p] = true
            if random() < 0.9 then kept[#kept + 1] = p end
          end
          local extra = math.min(nprod - #first, floor(n * 0.1 + random()))
          for _, p in ipairs(pick_products(extra, cum, nprod, had)) do
            kept[#kept + 1] = p
            values[p] = amount(3, 2.5)
            had[p] = "new"
          end
          sets[2] = kept
        end
        for y = 1, #YEARS do
          local list = sets[math.min(y, 2)]
          table.sort(list, by_code)
          local lines = {}
          for k, p in ipairs(list) do
            local v = values[p]
            if y > 1 then v = v * amount(0.03, 0.3) end
            lines[k] = row_line(YEARS[y], ex[1], im[1], codes[p], v)
          end
          files[y]:write(table.concat(lines))
          written[y].rows = written[y].rows + #list
        end
      end
    end
  end
  for n, f in ipairs(files) do
    assert(f:close())
    assert(os.rename(written[n].path .. ".tmp", written[n].path))
    print(written[n].path, written[n].rows)
  end
end

main()
