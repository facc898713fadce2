-- wrk script for the mixed run (bench/mixed.py): every request is drawn at random, by weight, from
-- the lines of the file named by BENCH_MIX:  weight <TAB> method <TAB> path <TAB> cookie <TAB> csrf <TAB> body
-- A path with {id} takes the next id of the range BENCH_IDS ("first-last"), so each status change
-- moves a different task; each wrk thread walks its own share of the range.
local mix_file = os.getenv("BENCH_MIX")
local ids = os.getenv("BENCH_IDS")
local threads = {}

setup = function(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

local slots, lines = {}, {}
local first, last, next_id, step

local function split(line)
  local out = {}
  for field in (line .. "\t"):gmatch("(.-)\t") do table.insert(out, field) end
  return out
end

init = function(args)
  for line in io.lines(mix_file) do
    local f = split(line)
    local entry = {method = f[2], path = f[3], headers = {["User-Agent"] = "congdoan-bench",
                   ["Cookie"] = f[4], ["X-CSRFToken"] = f[5]}, body = f[6]}
    if entry.body ~= nil and entry.body ~= "" then
      entry.headers["Content-Type"] = "application/x-www-form-urlencoded"
      entry.headers["HX-Request"] = "true"
    else
      entry.body = nil
    end
    table.insert(lines, entry)
    for _ = 1, tonumber(f[1]) do table.insert(slots, #lines) end
  end
  first, last = ids:match("(%d+)-(%d+)")
  first, last = tonumber(first), tonumber(last)
  step = #threads > 0 and #threads or 2
  next_id = first + (offset or 0)
  math.randomseed(os.time() + (offset or 0))
end

request = function()
  local entry = lines[slots[math.random(#slots)]]
  local path = entry.path
  if path:find("{id}", 1, true) then
    path = path:gsub("{id}", tostring(next_id))
    next_id = next_id + 2
    if next_id > last then next_id = first + (offset or 0) end
  end
  return wrk.format(entry.method, path, entry.headers, entry.body)
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_us=%d p50=%d p95=%d p99=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status))
end
