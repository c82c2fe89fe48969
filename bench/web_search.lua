-- wrk script for uncached searches: the same words with a different
-- "from" date each time (all before the data, so the same results), so
-- every request misses the page cache and runs the search.
local q = os.getenv("SEARCH_Q") or "drought+clause"
math.randomseed(os.time())
request = function()
  local d = math.random(0, 19000)
  local y = 1970 + math.floor(d / 365)
  local doy = d % 365
  local m = 1 + math.floor(doy / 31) % 12
  local dd = 1 + doy % 28
  return wrk.format("GET", string.format("/search?q=%s&from=%04d-%02d-%02d", q, y, m, dd))
end
-- wrk script: prints one machine-readable line with the latency
-- percentiles (microseconds) and the request rate, for bench/web.sh.
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.1f p50=%d p95=%d p99=%d max=%d n=%d errors=%d\n",
    summary.requests / secs, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout))
end
