-- wrk's summary as one JSON line, so bench/load.py reads figures rather than wrk's text report.
-- Errors count failed sockets and every answer outside 2xx/3xx (wrk's "status" errors).
-- "quantiles" is the latency (in microseconds) at 330 percentiles, every 0.5 up to the 95th,
-- every 0.1 to the 99th and every 0.01 above, so bench/wrk.py can combine the figures of
-- several wrk processes (one per server) into percentiles of all their requests, rather than
-- averaging percentiles. wrk only exposes percentile lookups; each walks its histogram once.

local function grid()
  local points = {}
  for k = 1, 190 do points[#points + 1] = k * 0.5 end
  for k = 951, 990 do points[#points + 1] = k / 10 end
  for k = 9901, 9999 do points[#points + 1] = k / 100 end
  return points
end

done = function(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  local seconds = summary.duration / 1e6
  local function ms(percent)
    return latency:percentile(percent) / 1000
  end
  local quantiles = {}
  if summary.requests > 0 then
    for _, percent in ipairs(grid()) do
      quantiles[#quantiles + 1] = string.format("[%.2f, %d]", percent, latency:percentile(percent))
    end
    -- wrk's percentile(100) asks for one request more than it has, and answers 0.
    quantiles[#quantiles + 1] = string.format("[100, %d]", latency.max)
  end
  io.write(string.format(
    '{"requests": %d, "duration_s": %.3f, "errors": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d, "bad_status": %d, "rps": %.2f, '
      .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "quantiles": [%s]}\n',
    summary.requests, seconds, failed, errors.connect, errors.read, errors.write, errors.timeout, errors.status,
    summary.requests / seconds, ms(50), ms(95), ms(99), latency.max / 1000, table.concat(quantiles, ", ")
  ))
end
