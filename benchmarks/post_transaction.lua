-- wrk script of bench_counter_post.py: one POST /api/v1/transactions per request, each with a fresh
-- Idempotency-Key, a fresh office reference and a valid national ID. Configured by the environment:
-- BENCH_KEY (the office's API key), BENCH_SERVICE, BENCH_FEE, BENCH_RUN (a prefix unique to the run),
-- BENCH_PATH (default /api/v1/transactions).

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

local function national_id(n)
   local body = string.format("%09d", n % 1000000000)
   local sum = 0
   for i = 1, 9 do
      sum = sum + tonumber(body:sub(i, i)) * (11 - i)
   end
   local r = sum % 11
   local check = r
   if r >= 2 then check = 11 - r end
   return body .. tostring(check)
end

function init(args)
   run = os.getenv("BENCH_RUN") or "run"
   path = os.getenv("BENCH_PATH") or "/api/v1/transactions"
   service = os.getenv("BENCH_SERVICE")
   fee = os.getenv("BENCH_FEE")
   headers = {
      ["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or ""),
      ["Content-Type"] = "application/json",
   }
end

function request()
   counter = counter + 1
   local reference = string.format("%s-%d-%d", run, id, counter)
   headers["Idempotency-Key"] = reference
   local body = string.format(
      '{"service":"%s","national_id":"%s","mobile":"0912%07d","fee_charged":%s,"office_reference":"%s","clerk":"bench"}',
      service, national_id(123456 + counter * 7919 + id * 104729), counter % 10000000, fee, reference)
   return wrk.format("POST", path, headers, body)
end
