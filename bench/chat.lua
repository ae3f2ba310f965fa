-- wrk script for bench/run.sh: one POST per request, same conversation in both API shapes.
--   BENCH_BODY=openai (default): OpenAI chat body to /v1/chat/completions with "Authorization: Bearer bench".
--   BENCH_BODY=gemini: Gemini generateContent body to /v1beta/models/gemini-2.5-flash:generateContent
--                      with "x-goog-api-key: k1" (rows that call the fake directly or through nginx).
-- done() prints one machine-readable WRK_RESULT line (latencies in microseconds).

local body_kind = os.getenv("BENCH_BODY") or "openai"
local token = os.getenv("BENCH_TOKEN") or "bench"
local model = os.getenv("BENCH_MODEL") or "gemini-2.5-flash"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

if body_kind == "gemini" then
  wrk.path = "/v1beta/models/" .. model .. ":generateContent"
  wrk.headers["x-goog-api-key"] = os.getenv("BENCH_API_KEY") or "k1"
  wrk.body = '{"contents":[{"role":"user","parts":[{"text":"What is the capital of Australia?"}]}],'
    .. '"systemInstruction":{"parts":[{"text":"You are a concise assistant."}]},'
    .. '"generationConfig":{"temperature":0.7,"maxOutputTokens":256}}'
else
  wrk.path = "/v1/chat/completions"
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.body = '{"model":"' .. model .. '","messages":['
    .. '{"role":"system","content":"You are a concise assistant."},'
    .. '{"role":"user","content":"What is the capital of Australia?"}],'
    .. '"temperature":0.7,"max_tokens":256}'
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d"
      .. " err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
