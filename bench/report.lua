-- wrk script: optional method/body/headers from the environment, and a machine-readable summary.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local cookie = os.getenv("BENCH_COOKIE")
local token = os.getenv("BENCH_CSRF")

wrk.method = method
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
if cookie then wrk.headers["Cookie"] = cookie end
if token then wrk.headers["X-CSRFToken"] = token end

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_us=%d p50=%d p95=%d p99=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status))
end
