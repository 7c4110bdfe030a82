-- The bundled example until the briefing lands: what tradescope holds.
print(string.format("tradescope %s on %s", tradescope.version, _VERSION))
print("dataset directory: " .. (tradescope.datadir() or "(none found)"))
help()
