-- wrk's summary as one JSON line, so bench/load.py reads figures rather than wrk's text report.
-- Errors count failed sockets and every answer outside 2xx/3xx (wrk's "status" errors).

done = function(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  local seconds = summary.duration / 1e6
  local function ms(percent)
    return latency:percentile(percent) / 1000
  end
  io.write(string.format(
    '{"requests": %d, "duration_s": %.3f, "errors": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d, "bad_status": %d, "rps": %.2f, '
      .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, seconds, failed, errors.connect, errors.read, errors.write, errors.timeout, errors.status,
    summary.requests / seconds, ms(50), ms(95), ms(99), latency.max / 1000
  ))
end
