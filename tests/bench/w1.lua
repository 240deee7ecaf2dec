-- wrk script for scripts/bench's workload W1: XML-RPC SetDyndnsIp for one of 1,000 names, a new address each call.
-- usage: wrk -t2 -c32 -d10s --latency -s tests/bench/w1.lua https://HOST:PORT/dom/api -- ACCOUNT PASSWORD DOMAIN
-- done() prints one line in dyndns-bench's format; a fault is a reply that is not 200 or carries <fault>,
-- and wrk's own socket errors and timeouts count too.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local account, password, domain
-- Globals, not locals: done() reads them from each thread's state with thread:get.
calls, faults, changed, first_fault = 0, 0, 0, ""

function init(args)
  account, password, domain = args[1], args[2], args[3] or "example.test"
  if not (account and password) then
    error("usage: wrk ... -s w1.lua URL -- ACCOUNT PASSWORD [DOMAIN]")
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "text/xml"
end

-- 13.0.0.0/8 upwards, one first octet per wrk thread: never an address dyndns-bench sends (11/8, 12/8).
-- Arithmetic, not bit operators: wrk's Lua is LuaJIT (Lua 5.1).
local function address(n)
  return string.format("%d.%d.%d.%d", 13 + id, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

local function param(text)
  return "<param><value><string>" .. text .. "</string></value></param>"
end

function request()
  calls = calls + 1
  local name = string.format("b%d.%s", calls % 1000, domain)
  local body = '<?xml version="1.0"?><methodCall><methodName>SetDyndnsIp</methodName><params>'
    .. param(account) .. param(password) .. param(name) .. param(address(calls)) .. "</params></methodCall>"
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 or body:find("<fault>", 1, true) then
    faults = faults + 1
    if first_fault == "" then first_fault = status .. " " .. body:sub(1, 300) end
  elseif body:find("<name>changed</name><value><boolean>1</boolean>", 1, true) then
    changed = changed + 1
  end
end

function done(summary, latency, requests)
  local thread_faults, thread_changed, why = 0, 0, ""
  for _, thread in ipairs(threads) do
    thread_faults = thread_faults + thread:get("faults")
    thread_changed = thread_changed + thread:get("changed")
    if why == "" then why = thread:get("first_fault") end
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "mode=wrk-xmlrpc threads=%d calls=%d seconds=%.1f rate=%.0f p50_ms=%.2f p99_ms=%.2f faults=%d changed=%d socket_errors=%d\n",
    #threads, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, thread_faults + errors, thread_changed, errors))
  if why ~= "" then io.stderr:write("first fault: " .. why .. "\n") end
end
