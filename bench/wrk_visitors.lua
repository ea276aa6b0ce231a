-- wrk script for bench/bench_pages.py: every request comes from a new visitor address
-- (X-Forwarded-For, as behind a trusted reverse proxy, so the per-visitor rate limit applies
-- as in production without refusing the load), optionally with a session cookie
-- (BENCH_COOKIE). At the end it prints one line the benchmark reads:
--   BENCH requests=... seconds=... p50_us=... p95_us=... p99_us=... status_errors=... socket_errors=...
local cookie = os.getenv("BENCH_COOKIE")
local threads = {}
local counter = 0
thread_number = 0  -- set per thread by setup()

function setup(thread)
  thread:set("thread_number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
end

request = function()
  counter = counter + 1
  local n = counter
  local headers = {
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", thread_number % 256, math.floor(n / 256) % 256, n % 256),
    ["Accept"] = "text/html",
  }
  if cookie and cookie ~= "" then
    headers["Cookie"] = cookie
  end
  return wrk.format("GET", wrk.path, headers)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.6f p50_us=%d p95_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
