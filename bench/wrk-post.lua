-- wrk script for the nanofaas bench: POST a JSON body (BENCH_BODY) and, when done, print one
-- machine-readable line `BENCHJSON {...}` with requests, errors and latency percentiles in µs.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or '{"input":{"text":"hello"},"metadata":{}}'
wrk.headers["Content-Type"] = "application/json"
-- The features table's auth rows send a credential (an API key or a JWT) with every request.
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization and authorization ~= "" then wrk.headers["Authorization"] = authorization end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"durationUs":%d,"requests":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,' ..
    '"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,' ..
    '"p999Us":%d,"meanUs":%.1f,"maxUs":%d}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.mean, latency.max))
end
