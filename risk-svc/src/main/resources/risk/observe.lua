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
--      12 sums          risk:{u:<id>}:agg    hash  "at" anchor ms, "<cur>:1".."<cur>:4" sums 1m, 1h, 24h, cash 24h
--                                                  (only for users beyond incremental_above payments in 24 h)
-- ARGV  in the order of FeatureStore#observeArgs. Window bounds mostly come precomputed from
--       Java as strings; those Lua computes are formatted with %.0f (exact for integers below
--       2^53). A window (from, t] is read as ZRANGEBYSCORE '(' .. from, t and trimmed by
--       ZREMRANGEBYSCORE -inf from.
-- Reply {1, first decision id} for a replay (nothing is updated), else {0, values...} in the
--       order FeatureStore#fromRedis reads them.
-- Lua numbers are doubles: sums of minor units are exact below 2^53, far above any real total.

local decision_id, t, amount_s, currency, cash = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local device, ip, merchant = ARGV[6], ARGV[7], ARGV[8]
local lat, lon, near_limit = ARGV[9], ARGV[10], ARGV[11]
local replay_seconds, max_events, day = ARGV[12], tonumber(ARGV[13]), tonumber(ARGV[14])
local from_1m, from_1h, from_24h, from_aml, from_90d = ARGV[15], ARGV[16], ARGV[17], ARGV[18], ARGV[19]
local ttl_24h, ttl_aml, ttl_memory, ttl_merchant = ARGV[20], ARGV[21], ARGV[22], ARGV[23]
local w_1m, w_1h, w_24h = tonumber(ARGV[24]), tonumber(ARGV[25]), tonumber(ARGV[26])
local incremental_above = tonumber(ARGV[27])
local merchant_days = 30

if not redis.call('SET', KEYS[1], decision_id, 'NX', 'EX', replay_seconds) then
  return {1, redis.call('GET', KEYS[1]) or ''}
end

local tn = tonumber(t)

-- Drops what left the window, then the oldest beyond the bound, and refreshes the TTL.
local function keep(key, from, ttl)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', from)
  redis.call('ZREMRANGEBYRANK', key, 0, -(max_events + 1))
  redis.call('PEXPIRE', key, ttl)
end

-- Velocity: counts over all currencies (ZCOUNT, exact and cheap); sums and cash-like spend in
-- this currency. A user with few payments in 24 h has their sums recomputed by a scan of the
-- window; beyond incremental_above the sums are kept in the agg hash, anchored at its "at"
-- time, and each Score only subtracts what left the windows since then (amortised O(1)), so a
-- user with thousands of payments does not cost thousands of steps per Score.
local windows = {w_1m, w_1h, w_24h}

local function fmt(n) return string.format('%.0f', n) end

local function parse(m)
  local a, cur, c = string.match(m, '|(%d+)|([^|]*)|(%d)$')
  return tonumber(a), cur, c == '1'
end

-- sums[currency] = {1m, 1h, 24h, cash-like 24h}
local function bucket(sums, cur)
  local b = sums[cur]
  if not b then
    b = {0, 0, 0, 0}
    sums[cur] = b
  end
  return b
end

-- Adds (sign 1) or removes (sign -1) one event in the windows ending at anchor that hold it.
local function apply(sums, anchor, score, m, sign)
  local a, cur, cash = parse(m)
  local b = bucket(sums, cur)
  for i = 1, 3 do
    if score > anchor - windows[i] then b[i] = b[i] + sign * a end
  end
  if cash and score > anchor - windows[3] then b[4] = b[4] + sign * a end
end

-- Every currency's sums over the windows ending at anchor, from the stored events.
local function scan(anchor)
  local sums = {}
  local rows = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. fmt(anchor - windows[3]), fmt(anchor), 'WITHSCORES')
  for i = 1, #rows, 2 do apply(sums, anchor, tonumber(rows[i + 1]), rows[i], 1) end
  return sums
end

local function load_agg()
  local flat = redis.call('HGETALL', KEYS[12])
  local agg = {sums = {}}
  for i = 1, #flat, 2 do
    local field, value = flat[i], tonumber(flat[i + 1])
    if field == 'at' then
      agg.at = value
    else
      local cur, index = string.match(field, '^(.*):(%d)$')
      bucket(agg.sums, cur)[tonumber(index)] = value
    end
  end
  if not agg.at then return nil end
  return agg
end

local function save_agg(agg)
  redis.call('DEL', KEYS[12])
  local fields = {'at', fmt(agg.at)}
  for cur, b in pairs(agg.sums) do
    if b[1] ~= 0 or b[2] ~= 0 or b[3] ~= 0 or b[4] ~= 0 then
      for i = 1, 4 do
        fields[#fields + 1] = cur .. ':' .. i
        fields[#fields + 1] = fmt(b[i])
      end
    end
  end
  redis.call('HSET', KEYS[12], unpack(fields))
  redis.call('PEXPIRE', KEYS[12], ttl_24h)
end

local member = decision_id .. '|' .. amount_s .. '|' .. currency .. '|' .. cash
redis.call('ZADD', KEYS[2], t, member)
local agg = nil
if redis.call('ZCOUNT', KEYS[2], '(' .. from_24h, t) > incremental_above then
  agg = load_agg()
  if agg and tn >= agg.at then
    -- Moving the anchor to t: take out what left each window, then add this payment.
    for i = 1, 3 do
      local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. fmt(agg.at - windows[i]), fmt(tn - windows[i]))
      for _, m in ipairs(gone) do
        local a, cur, cash_like = parse(m)
        local b = bucket(agg.sums, cur)
        b[i] = b[i] - a
        if i == 3 and cash_like then b[4] = b[4] - a end
      end
    end
    apply(agg.sums, tn, tn, member, 1)
    agg.at = tn
  elseif agg then
    -- Out of order (older than the anchor): it counts where the anchored windows hold it.
    apply(agg.sums, agg.at, tn, member, 1)
  else
    local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
    local anchor = math.max(tn, tonumber(newest[2]))
    agg = {at = anchor, sums = scan(anchor)}
  end
end

-- Trim: what is at or before t - 24h is in no window from now on; beyond the bound the oldest
-- go, and leave the kept sums with them.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', from_24h)
local excess = redis.call('ZCARD', KEYS[2]) - max_events
if excess > 0 then
  if agg then
    local dropped = redis.call('ZRANGE', KEYS[2], 0, excess - 1, 'WITHSCORES')
    for i = 1, #dropped, 2 do apply(agg.sums, agg.at, tonumber(dropped[i + 1]), dropped[i], -1) end
  end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
end
redis.call('PEXPIRE', KEYS[2], ttl_24h)
if agg then save_agg(agg) else redis.call('DEL', KEYS[12]) end

local count_1m = redis.call('ZCOUNT', KEYS[2], '(' .. from_1m, t)
local count_1h = redis.call('ZCOUNT', KEYS[2], '(' .. from_1h, t)
local count_24h = redis.call('ZCOUNT', KEYS[2], '(' .. from_24h, t)
local own
if agg and agg.at == tn then own = bucket(agg.sums, currency) else own = bucket(scan(tn), currency) end
local sum_1m, sum_1h, sum_24h, cash_24h = own[1], own[2], own[3], own[4]

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
