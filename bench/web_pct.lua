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
