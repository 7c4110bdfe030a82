-- overview.lua — the bundled example: Vietnam–Russia figures from the
-- dataset, where one came from, and what the sources disagree on.
--   tradescope scripts/overview.lua
local turnover = trade.find{reporter = "VNM", partner = "RUS", flow = "turnover"}
print("Vietnam–Russia trade turnover, as the sources report it:\n")
print(turnover)

print("\nWhere the latest figure comes from:\n")
local latest = turnover[#turnover]
print(sources(latest))

print("\nVisitors, routes and partnership milestones:\n")
print(tourism.all())
print(routes.find{metric = {"opened", "volume", "proposed", "resumed"}})
print(agreements.find{kind = {"diplomatic_relations", "partnership", "fta"}})

print("\nChecking the dataset:\n")
print(check())
