-- wrk script: rotate through the request paths in the file named by the PATHS environment
-- variable (one per line), each thread starting at a different place, and print a JSON
-- summary (requests/s, p50, p99 in microseconds, errors) on the last line.
local paths = {}
local counter = 0
local thread_index = 0
local threads = {}

local function load_paths(file)
  for line in io.lines(file) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("no paths in " .. file) end
end

function setup(thread)
  thread_index = thread_index + 1
  thread:set("offset", thread_index * 7919)
  table.insert(threads, thread)
end

function init(args)
  load_paths(os.getenv("PATHS"))
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '\nBENCH_JSON {"requests": %d, "duration_us": %d, "rps": %.2f, "p50_us": %d, "p99_us": %d, "errors": %d, "status_errors": %d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), errors, summary.errors.status))
end
