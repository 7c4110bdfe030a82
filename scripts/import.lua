-- import.lua — bulk statistics from the command line.
--
--   tradescope scripts/import.lua baci FILE|DIR --out SNAPSHOT [--threads 1|2] [--no-progress]
--   tradescope scripts/import.lua comtrade FILE --out SNAPSHOT
--   tradescope scripts/import.lua info SNAPSHOT
--
-- baci: one BACI CSV (or every BACI_*.csv of a directory) into a snapshot
-- that trade.open() maps in milliseconds.  comtrade: the rows that can be
-- summed into SNAPSHOT, the rows kept apart (World, TOTAL, aggregates...)
-- into SNAPSHOT with ".apart" before its extension.  A progress bar shows
-- on a terminal.  Exit status 0 on success, 1 with a message otherwise;
-- on error no snapshot is written.

local USAGE = [[
usage: tradescope scripts/import.lua baci FILE|DIR --out SNAPSHOT [--threads 1|2] [--no-progress]
       tradescope scripts/import.lua comtrade FILE --out SNAPSHOT
       tradescope scripts/import.lua info SNAPSHOT]]

local function die(msg)
  io.stderr:write("import.lua: ", msg, "\n")
  os.exit(1)
end

local function parse(args)
  local o = {cmd = args[1], input = args[2], progress = true}
  if not o.cmd or not o.input then die("missing arguments\n" .. USAGE) end
  local i = 3
  while args[i] do
    local a = args[i]
    if a == "--out" then o.out = args[i + 1]; i = i + 2
    elseif a == "--threads" then o.threads = math.tointeger(tonumber(args[i + 1])); i = i + 2
    elseif a == "--no-progress" then o.progress = false; i = i + 1
    else die("unknown option '" .. a .. "'\n" .. USAGE) end
  end
  if o.cmd ~= "info" and not o.out then die("--out SNAPSHOT is required\n" .. USAGE) end
  return o
end

local function apart_path(out)
  local base, ext = out:match("^(.*)(%.[^./]*)$")
  if not base then return out .. ".apart" end
  return base .. ".apart" .. ext
end

local function summary(ds, started)
  local info = ds:info()
  return string.format("%d rows, %d bytes a row, %.1f MB, %.2f s", #ds, info.row_bytes,
    info.bytes / 1e6, os.clock() - started)
end

local function main(args)
  local o = parse(args)
  local started = os.clock()
  local ok, err = pcall(function()
    if o.cmd == "baci" then
      local ds = trade.import_baci(o.input, {progress = o.progress, threads = o.threads})
      ds:save(o.out)
      print(string.format("%s: %s -> %s", o.input, summary(ds, started), o.out))
    elseif o.cmd == "comtrade" then
      local detail, apart = trade.import_comtrade(o.input)
      local apath = apart_path(o.out)
      detail:save(o.out)
      apart:save(apath)
      print(string.format("%s: %d rows to sum -> %s; %d rows kept apart -> %s", o.input, #detail,
        o.out, #apart, apath))
    elseif o.cmd == "info" then
      local ds = trade.open(o.input, {verify = true})
      local info = ds:info()
      local cols = {}
      for _, c in ipairs(ds:columns()) do cols[#cols + 1] = c.name .. ":" .. c.type end
      print(string.format("%s: %s, %d rows, %d bytes a row, checksums good", o.input, info.kind,
        #ds, info.row_bytes))
      print("columns: " .. table.concat(cols, " "))
    else
      error("unknown command '" .. o.cmd .. "'\n" .. USAGE, 0)
    end
  end)
  if not ok then die(tostring(err)) end
end

main(arg)
