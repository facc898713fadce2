-- wrk script: optional method/body/headers from the environment, a path template with {id} that
-- walks a range of ids (so each POST changes a different row), and a machine-readable summary.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local cookie = os.getenv("BENCH_COOKIE")
local token = os.getenv("BENCH_CSRF")
local ids = os.getenv("BENCH_IDS")          -- "first-last"

wrk.method = method
wrk.headers["User-Agent"] = "congdoan-bench"
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
if cookie then wrk.headers["Cookie"] = cookie end
if token then wrk.headers["X-CSRFToken"] = token end
if os.getenv("BENCH_HTMX") then wrk.headers["HX-Request"] = "true" end

local threads = {}
setup = function(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

local first, last, next_id
init = function(args)
  if ids then
    first, last = ids:match("(%d+)-(%d+)")
    first, last = tonumber(first), tonumber(last)
    next_id = first + (offset or 0)
  end
end

request = function()
  if ids then
    local id = next_id
    next_id = next_id + 2          -- two wrk threads share the range, each every other id
    if next_id > last then next_id = first + (offset or 0) end
    local path = wrk.path:gsub("%%7Bid%%7D", tostring(id)):gsub("{id}", tostring(id))
    return wrk.format(nil, path)
  end
  return wrk.format(nil, nil)
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_us=%d p50=%d p95=%d p99=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status))
end
