-- tradescope.checkcmd — `tradescope --check`: prints the check report and
-- returns true; invalid data prints one line and returns false (exit 1).
return function()
  local ok, report = pcall(require("tradescope.check").check)
  if not ok then
    io.stderr:write("tradescope: invalid dataset: ", tostring(report), "\n")
    return false
  end
  print(report)
  return true
end
