-- Replay the requests of one endpoint, written by bench/requests.py.
--
-- BENCH_REQUESTS names a file with one request per line: method, path,
-- API key and body (empty for none), separated by tabs. Every thread reads
-- the file, starts at its own offset and cycles through it, so keys, job
-- ids and search terms rotate across companies. done() prints one line
-- "BENCH_RESULT {json}" with the counts and the latency percentiles.

local requests = {}
local position = 1
local threads = {}

function setup(thread)
    thread:set("thread_number", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    local path = os.getenv("BENCH_REQUESTS")
    for line in io.lines(path) do
        local method, request_path, key, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
        local headers = {}
        if key ~= "" then
            headers["X-API-Key"] = key
        end
        if body == "" then
            body = nil
        else
            headers["Content-Type"] = "application/json"
        end
        table.insert(requests, wrk.format(method, request_path, headers, body))
    end
    if #requests == 0 then
        error("no requests in " .. path)
    end
    -- Threads start spread over the file, so they do not send the same requests in step.
    position = math.floor((thread_number - 1) * #requests / 8) % #requests + 1
end

function request()
    local raw = requests[position]
    position = position % #requests + 1
    return raw
end

function done(summary, latency, requests_done)
    local errors = summary.errors
    io.write(string.format(
        'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
        '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
        '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
        summary.requests, summary.duration, summary.bytes,
        errors.connect, errors.read, errors.write, errors.status, errors.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
