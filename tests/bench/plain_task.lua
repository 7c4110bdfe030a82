-- plain_task.lua — the benchmark tasks in plain Lua 5.4 (lua5.4, no C
-- modules): what an analyst would write with the standard library alone.
-- T1 loads every row into column tables; T2-T4 aggregate while reading.
--   lua5.4 tests/bench/plain_task.lua T1|T2|T3 FILE | T4 EARLIER LATER
local task, a, b = arg[1], arg[2], arg[3]
local PATTERN = "^(%d+),(%d+),(%d+),([^,]*),([^,]*),([^,]*)$"

local function each_row(path, fn)
  local f = assert(io.open(path, "r"))
  f:read("l") -- header
  for line in f:lines() do
    local t, i, j, k, v, q = line:match(PATTERN)
    fn(tonumber(t), tonumber(i), tonumber(j), k, tonumber(v), tonumber(q))
  end
  f:close()
end

local function top(sums, n)
  local list = {}
  for key, s in pairs(sums) do list[#list + 1] = {key, s} end
  table.sort(list, function(x, y) return x[2] > y[2] end)
  for k = #list, n + 1, -1 do list[k] = nil end
  return list
end

if task == "T1" then
  local T, I, J, K, V, Q, n = {}, {}, {}, {}, {}, {}, 0
  each_row(a, function(t, i, j, k, v, q)
    n = n + 1
    T[n], I[n], J[n], K[n], V[n], Q[n] = t, i, j, k, v, q or false
  end)
  print(n)
elseif task == "T2" then
  local sums = {}
  each_row(a, function(_, i, _, _, v) sums[i] = (sums[i] or 0) + v end)
  for _, e in ipairs(top(sums, 10)) do print(string.format("%d\t%.3f", e[1], e[2])) end
elseif task == "T3" then
  local sums = {}
  each_row(a, function(_, i, j, k, v)
    if i == 704 and j == 643 then sums[k:sub(1, 2)] = (sums[k:sub(1, 2)] or 0) + v end
  end)
  for _, e in ipairs(top(sums, 10)) do print(string.format("%s\t%.3f", e[1], e[2])) end
elseif task == "T4" then
  local function pair_sums(path)
    local sums = {}
    each_row(path, function(_, i, j, _, v)
      local key = i * 1000 + j
      sums[key] = (sums[key] or 0) + v
    end)
    return sums
  end
  local early, late, change = pair_sums(a), pair_sums(b), {}
  for key, v in pairs(late) do
    if early[key] then change[key] = v - early[key] end
  end
  for _, e in ipairs(top(change, 10)) do
    local key = e[1]
    local v, base = late[key], early[key]
    print(string.format("%d\t%d\t%.3f\t%.3f\t%.3f\t%.4f", key // 1000, key % 1000, v, base, v - base,
      (v - base) / base * 100))
  end
else
  error("plain Lua: no task " .. tostring(task))
end
