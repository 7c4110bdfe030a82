-- check.lua — are two task answers the same?  lua5.4 check.lua REF OTHER
-- Lines and tab-separated fields must match; numbers may differ by the
-- order of summation (relative 1e-9) and by the rounding of the printed
-- last digit.
local function lines(path)
  local out = {}
  for l in io.lines(path) do if l ~= "" then out[#out + 1] = l end end
  return out
end

local function fields(line)
  local out = {}
  for f in (line .. "\t"):gmatch("([^\t]*)\t") do out[#out + 1] = f end
  return out
end

local function same(x, y)
  local a, b = tonumber(x), tonumber(y)
  if not a or not b then return x == y end
  local decimals = #(x:match("%.(%d+)$") or "")
  local slack = decimals > 0 and 1.5 * 10 ^ -decimals or 0
  return math.abs(a - b) <= math.max(1e-9 * math.max(math.abs(a), math.abs(b)), slack)
end

local ref, other = lines(arg[1]), lines(arg[2])
if #ref ~= #other then
  print(string.format("DIFF: %d lines, expected %d", #other, #ref))
  os.exit(1)
end
for n = 1, #ref do
  local a, b = fields(ref[n]), fields(other[n])
  local ok = #a == #b
  for k = 1, #a do ok = ok and same(a[k], b[k]) end
  if not ok then
    print(string.format("DIFF line %d: %q, expected %q", n, other[n], ref[n]))
    os.exit(1)
  end
end
print("ok")
