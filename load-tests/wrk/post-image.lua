-- wrk script of the load tests (driven by io.prosface.load.WrkDriver): POST the image file named by PROS_IMAGE as the
-- raw request body, count answers per HTTP status in every thread, and print one machine-readable line at the end.
local image = assert(io.open(os.getenv("PROS_IMAGE"), "rb"))
wrk.method = "POST"
wrk.body = image:read("*a")
image:close()
wrk.headers["Content-Type"] = os.getenv("PROS_MEDIA_TYPE") or "image/jpeg"
local timeout = os.getenv("PROS_TIMEOUT_MS")
if timeout then
  wrk.headers["X-Timeout-Ms"] = timeout
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- per thread (each wrk thread has its own Lua state); done() merges them
statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%d":%d', status, count))
  end
  io.write(string.format('WRK_JSON {"duration_us":%d,"requests":%d,"statuses":{%s},'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
      .. '"latency_us":{"p50":%d,"p95":%d,"p99":%d,"max":%d}}\n',
      summary.duration, summary.requests, table.concat(parts, ","),
      summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
      latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
