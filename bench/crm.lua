-- wrk script for bench/crm.sh: each request is one whole visit (call + one sample line + one meal) logged by one
-- of the benchmark's reps, in rotation; every 20th request repeats the previous visit's client_id, as a phone
-- does when a response is lost. Every acknowledged client_id is written to acked-<thread> for the check.
local dir = os.getenv("CRM_BENCH_DIR")
local reps = dofile(dir .. "/reps.lua")
local npis = dofile(dir .. "/npis.lua")
local product = os.getenv("CRM_BENCH_PRODUCT")

local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local n, last_id, last_rep, out = 0, nil, nil, nil
created, replayed, failed = 0, 0, 0  -- globals: done() reads them with thread:get
function init(args)
  out = io.open(dir .. "/acked-" .. tid, "w")
  out:setvbuf("line")
end

function request()
  n = n + 1
  local rep, id
  if n % 20 == 0 and last_id then
    rep, id = last_rep, last_id  -- a retry comes from the same phone
  else
    rep, id = reps[(tid * 7919 + n) % #reps + 1], string.format("wrk-%d-%d", tid, n)
  end
  last_id, last_rep = id, rep
  local npi = npis[n % #npis + 1]
  local body = string.format(
    '{"client_id":"%s","npi":"%s","starts_at":"2026-05-04T10:%02d:00Z","channel":"in_person",' ..
    '"products":["%s"],"key_messages":["efficacy"],"notes":"bench visit",' ..
    '"samples":[{"product_id":"%s","lot_id":"%s","quantity":1}],' ..
    '"spend":[{"kind":"meal","amount":18.5,"attendee_count":1}]}',
    id, npi, n % 60, product, product, rep.lot)
  return wrk.format("POST", "/api/v1/calls",
    {["Authorization"] = "Bearer " .. rep.token, ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status == 201 then
    local id = string.match(body, '"client_id": "([^"]+)"')
    if id then out:write(id, "\n") end
    if headers["Idempotent-Replayed"] then replayed = replayed + 1 else created = created + 1 end
  else
    failed = failed + 1
    if failed <= 3 then io.stderr:write("status ", status, ": ", body, "\n") end
  end
end

function done(summary, latency, requests)
  local c, r, f = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created"); r = r + t:get("replayed"); f = f + t:get("failed")
  end
  io.write(string.format("RESULT created=%d replayed=%d failed=%d requests=%d seconds=%.2f rps=%.1f " ..
                         "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
                         c, r, f, summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
