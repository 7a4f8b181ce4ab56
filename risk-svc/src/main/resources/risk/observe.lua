-- Reads and updates every Redis feature of one payment in one round trip (FeatureStore#observe).
--
-- KEYS  1 replay        risk:req:<caller>:<request id>    the first decision id (SET NX EX)
--       2 events        risk:{u:<id>}:ev     zset  score event ms, member "<decision>|<amount>|<currency>|<cash 0/1>"
--       3 devices       risk:{u:<id>}:dev    zset  score last seen ms, member device id
--       4 ips           risk:{u:<id>}:ip     zset  score last seen ms, member ip
--       5 merchants     risk:{u:<id>}:mer    zset  score last non-denied payment ms, member merchant id (written by learn)
--       6 amount stats  risk:{u:<id>}:amt    hash  "<cur>:n", "<cur>:mean", "<cur>:m2" (Welford, written by learn)
--       7 location      risk:{u:<id>}:loc    hash  lat, lon (micro-degrees), at (ms)
--       8 merchant days risk:{m:<id>}:days   hash  "p:<epoch day>" payments, "r:<day>" refunds, "d:<day>" disputes
--       9 near limit    risk:{u:<id>}:nl     zset  score event ms, member "<decision>|<amount>|<currency>"
--      10 risk budget   risk:{u:<id>}:bud    zset  score event ms, member "<weighted>|<currency>|<caller:request>" (learn)
--      11 fraud reports risk:{u:<id>}:fr     zset  score report ms, member "<outcome>|<ms>" (recordOutcome)
-- ARGV  in the order of FeatureStore#observeArgs. Window bounds come precomputed from Java as
--       strings, so no timestamp is ever formatted by Lua; a window (from, t] is read as
--       ZRANGEBYSCORE '(' .. from, t and trimmed by ZREMRANGEBYSCORE -inf from.
-- Reply {1, first decision id} for a replay (nothing is updated), else {0, values...} in the
--       order FeatureStore#fromRedis reads them.
-- Lua numbers are doubles: sums of minor units are exact below 2^53, far above any real total.

local decision_id, t, amount_s, currency, cash = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local device, ip, merchant = ARGV[6], ARGV[7], ARGV[8]
local lat, lon, near_limit = ARGV[9], ARGV[10], ARGV[11]
local replay_seconds, max_events, day = ARGV[12], tonumber(ARGV[13]), tonumber(ARGV[14])
local from_1m, from_1h, from_24h, from_aml, from_90d = ARGV[15], ARGV[16], ARGV[17], ARGV[18], ARGV[19]
local ttl_24h, ttl_aml, ttl_memory, ttl_merchant = ARGV[20], ARGV[21], ARGV[22], ARGV[23]
local merchant_days = 30

if not redis.call('SET', KEYS[1], decision_id, 'NX', 'EX', replay_seconds) then
  return {1, redis.call('GET', KEYS[1]) or ''}
end

local tn, f1m, f1h = tonumber(t), tonumber(from_1m), tonumber(from_1h)

-- Drops what left the window, then the oldest beyond the bound, and refreshes the TTL.
local function keep(key, from, ttl)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', from)
  redis.call('ZREMRANGEBYRANK', key, 0, -(max_events + 1))
  redis.call('PEXPIRE', key, ttl)
end

-- Velocity: counts over all currencies, sums and cash-like spend in this currency.
redis.call('ZADD', KEYS[2], t, decision_id .. '|' .. amount_s .. '|' .. currency .. '|' .. cash)
keep(KEYS[2], from_24h, ttl_24h)
local count_1m, count_1h, count_24h, sum_1m, sum_1h, sum_24h, cash_24h = 0, 0, 0, 0, 0, 0, 0
local events = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. from_24h, t, 'WITHSCORES')
for i = 1, #events, 2 do
  local at = tonumber(events[i + 1])
  local a, cur, c = string.match(events[i], '|(%d+)|([^|]*)|(%d)$')
  local in_1h, in_1m = at > f1h, at > f1m
  count_24h = count_24h + 1
  if in_1h then count_1h = count_1h + 1 end
  if in_1m then count_1m = count_1m + 1 end
  if cur == currency then
    local v = tonumber(a)
    sum_24h = sum_24h + v
    if in_1h then sum_1h = sum_1h + v end
    if in_1m then sum_1m = sum_1m + v end
    if c == '1' then cash_24h = cash_24h + v end
  end
end

-- Distinct ids seen in (t - 24h, t], this one included; a missing id is not counted.
local function distinct(key, id)
  if id ~= '' then
    redis.call('ZADD', key, 'GT', t, id)
    keep(key, from_24h, ttl_24h)
  end
  local n = redis.call('ZCOUNT', key, '(' .. from_24h, t)
  if id ~= '' then
    -- An out-of-order (older) event: its id is stored with a later time, still count it.
    local score = redis.call('ZSCORE', key, id)
    if not score or tonumber(score) > tn then n = n + 1 end
  end
  return n
end
local devices = distinct(KEYS[3], device)
local ips = distinct(KEYS[4], ip)

-- -1: no merchant (top-up, P2P); 1: the user paid it before without a denial; 0: new.
local merchant_seen = -1
if merchant ~= '' then
  merchant_seen = redis.call('ZSCORE', KEYS[5], merchant) and 1 or 0
end

local stats = redis.call('HMGET', KEYS[6], currency .. ':n', currency .. ':mean', currency .. ':m2')

-- The previous located request; a late (older) event does not overwrite a newer location.
local previous = redis.call('HMGET', KEYS[7], 'lat', 'lon', 'at')
if lat ~= '' and (not previous[3] or tonumber(previous[3]) <= tn) then
  redis.call('HSET', KEYS[7], 'lat', lat, 'lon', lon, 'at', t)
  redis.call('PEXPIRE', KEYS[7], ttl_memory)
end

-- Merchant: 30 daily buckets ending with the day of t; days out of the window are pruned
-- once the hash holds more than the window needs.
local payments, refunds, disputes = 0, 0, 0
if merchant ~= '' then
  redis.call('HINCRBY', KEYS[8], 'p:' .. day, 1)
  local fields = {}
  for d = day - merchant_days + 1, day do
    fields[#fields + 1] = 'p:' .. d
    fields[#fields + 1] = 'r:' .. d
    fields[#fields + 1] = 'd:' .. d
  end
  local values = redis.call('HMGET', KEYS[8], unpack(fields))
  for i = 1, #fields, 3 do
    payments = payments + (tonumber(values[i]) or 0)
    refunds = refunds + (tonumber(values[i + 1]) or 0)
    disputes = disputes + (tonumber(values[i + 2]) or 0)
  end
  if redis.call('HLEN', KEYS[8]) > 4 * merchant_days then
    for _, name in ipairs(redis.call('HKEYS', KEYS[8])) do
      local d = tonumber(string.sub(name, 3))
      if not d or d <= day - merchant_days then redis.call('HDEL', KEYS[8], name) end
    end
  end
  redis.call('PEXPIRE', KEYS[8], ttl_merchant)
end

-- Structuring: near-limit top-ups and P2P in the AML window; count in all currencies, sum in this one.
if near_limit == '1' then
  redis.call('ZADD', KEYS[9], t, decision_id .. '|' .. amount_s .. '|' .. currency)
  keep(KEYS[9], from_aml, ttl_aml)
end
local near_count, near_sum = 0, 0
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[9], '(' .. from_aml, t)) do
  near_count = near_count + 1
  local a, cur = string.match(m, '|(%d+)|([^|]*)$')
  if cur == currency then near_sum = near_sum + tonumber(a) end
end

-- Risk budget used before this payment (learn has not seen it yet), this currency.
local budget = 0
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[10], '(' .. from_24h, t)) do
  local a, cur = string.match(m, '^(%d+)|([^|]*)|')
  if cur == currency then budget = budget + tonumber(a) end
end

local fraud = redis.call('ZCOUNT', KEYS[11], '(' .. from_90d, t)

return {0, count_1m, count_1h, count_24h, sum_1m, sum_1h, sum_24h, cash_24h,
  devices, ips, merchant_seen,
  stats[1] or '', stats[2] or '', stats[3] or '',
  previous[1] or '', previous[2] or '', previous[3] or '',
  payments, refunds, disputes, near_count, near_sum, budget, fraud}
