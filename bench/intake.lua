-- POSTs new cases to /api/v1/cases, each with its own idempotency key and a point inside the
-- demo city's grids (the lattice demo/cases.rs draws), so every case is routed by polygon.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(tid * 7919)
  wrk.method = "POST"
  wrk.headers["content-type"] = "application/json"
  wrk.headers["authorization"] = os.getenv("AUTH")
end

local cells = tonumber(os.getenv("CELLS") or "8")

function request()
  counter = counter + 1
  local i = math.random(0, cells * cells - 1)
  local lon = 118.95 + (i % cells) * 0.012 + math.random() * 0.0099
  local lat = 25.38 + math.floor(i / cells) * 0.012 + math.random() * 0.0099
  local body = string.format(
    '{"channel":"hotline","category":"garbage","title":"压测：垃圾未清运","lon":%.6f,"lat":%.6f,' ..
    '"reporter_phone":"13912345678","idempotency_key":"wrk-%d-%d-%d"}',
    lon, lat, tid, os.time(), counter)
  return wrk.format(nil, "/api/v1/cases", nil, body)
end

function response(status, headers, body)
  if status ~= 201 then
    io.stderr:write(status .. " " .. body:sub(1, 200) .. "\n")
  end
end
