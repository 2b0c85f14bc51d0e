-- wrk script: one 50-row page of a subtree's members after a random cursor.
-- Env: PAGE_PATH (e.g. /api/v1/members?within=D350302&limit=50 or /members?within=D350302),
-- AUTH (an "Authorization" bearer value) or COOKIE (jiceng_session=…), CURSORS (a file of ids).
local ids = {}
for line in io.lines(os.getenv("CURSORS")) do ids[#ids + 1] = line end
local path = os.getenv("PAGE_PATH")
local headers = {}
if os.getenv("AUTH") then headers["Authorization"] = os.getenv("AUTH") end
if os.getenv("COOKIE") then headers["Cookie"] = os.getenv("COOKIE") end
math.randomseed(42)
request = function()
  return wrk.format("GET", path .. "&after=" .. ids[math.random(#ids)], headers)
end
