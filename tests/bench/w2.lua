-- wrk script for scripts/bench's workload W2 (polling): XML-RPC SetDyndnsIp for home.ZONE over the zones of a zones file,
-- 95% of calls sending the address the name has (nochg), 5% a new one.
-- usage: wrk -t2 -c32 -d10s --latency -s tests/bench/w2.lua https://HOST:PORT/dom/api -- ACCOUNT PASSWORD ZONES_FILE [UNCHANGED]
-- Each wrk thread calls its own share of the names (every name's index modulo the threads) and remembers each one's
-- address, so an unchanged call repeats what the name really holds: dyndns-bench's seed gave name i 12.x.y.z (i).
-- The same script drives nginx in the bench (a fixed answer to the same POST): then no reply carries "changed".

local threads = {}
local next_id = 0
local thread_count = 2

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local account, password, unchanged_share
local zones, current = {}, {}
calls, faults, changed, first_fault = 0, 0, 0, ""

local function dotted(first, n)
  return string.format("%d.%d.%d.%d", first, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

function init(args)
  account, password = args[1], args[2]
  local file = args[3]
  unchanged_share = tonumber(args[4] or "0.95")
  if not (account and password and file) then
    error("usage: wrk ... -s w2.lua URL -- ACCOUNT PASSWORD ZONES_FILE [UNCHANGED]")
  end
  local i = 0
  for zone in io.lines(file) do
    if i % thread_count == id then
      table.insert(zones, zone)
      current[#zones] = dotted(12, i)
    end
    i = i + 1
  end
  math.randomseed(1000 + id)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "text/xml"
end

local function param(text)
  return "<param><value><string>" .. text .. "</string></value></param>"
end

local position = 0
function request()
  calls = calls + 1
  position = position % #zones + 1
  if math.random() >= unchanged_share then
    -- 14.0.0.0/8 upwards, one first octet per thread: never an address dyndns-bench or w1.lua sends.
    current[position] = dotted(14 + id, calls)
  end
  local body = '<?xml version="1.0"?><methodCall><methodName>SetDyndnsIp</methodName><params>'
    .. param(account) .. param(password) .. param("home." .. zones[position]) .. param(current[position])
    .. "</params></methodCall>"
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
    "mode=wrk-w2 threads=%d calls=%d seconds=%.1f rate=%.0f p50_ms=%.2f p99_ms=%.2f faults=%d changed=%d socket_errors=%d\n",
    #threads, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, thread_faults + errors, thread_changed, errors))
  if why ~= "" then io.stderr:write("first fault: " .. why .. "\n") end
end
