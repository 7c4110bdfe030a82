-- Small assertions shared by the Lua tests: `local A = dofile(...)`.
local A = {}

function A.eq(got, want, what)
  if got ~= want then
    error(string.format("%s: expected %s, got %s", what or "value",
      tostring(want), tostring(got)), 2)
  end
end

function A.near(got, want, tol, what)
  tol = tol or 1e-9
  if type(got) ~= "number" or math.abs(got - want) > tol * math.max(1, math.abs(want)) then
    error(string.format("%s: expected %.12g, got %s", what or "value", want, tostring(got)), 2)
  end
end

function A.errors(fn, pattern, what)
  local ok, err = pcall(fn)
  if ok then error((what or "call") .. ": expected an error", 2) end
  if pattern and not tostring(err):find(pattern, 1, true) then
    error(string.format("%s: error %q does not contain %q", what or "call",
      tostring(err), pattern), 2)
  end
  return err
end

function A.truthy(v, what)
  if not v then error((what or "value") .. ": expected a true value", 2) end
  return v
end

return A
