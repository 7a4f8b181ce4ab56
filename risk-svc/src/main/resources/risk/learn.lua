-- What a decided payment teaches the user's features (FeatureStore#learn). Key layout: observe.lua.
--
-- KEYS  1 merchants  risk:{u:<id>}:mer   2 amount stats  risk:{u:<id>}:amt   3 risk budget  risk:{u:<id>}:bud
-- ARGV  1 verdict  2 merchant ('' for none)  3 t (ms)  4 amount  5 currency  6 risk-weighted amount
--       7 budget member id (caller:request, so a repeated learn adds nothing to the budget)
--       8 merchant memory lower bound (t - memory)  9 t - 24h  10 max entries
--      11 memory ttl ms  12 24h ttl ms
-- DENY teaches nothing: a denied attempt must not make a merchant familiar or widen the statistics.
-- ALLOW and CHALLENGE mark the merchant and enter the amount statistics; ALLOW adds to the risk
-- budget, CHALLENGE resets it (the user just proved presence).

local verdict, merchant, t, amount, currency = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local max_entries = tonumber(ARGV[10])
if verdict ~= 'ALLOW' and verdict ~= 'CHALLENGE' then return 0 end

local function keep(key, from, ttl)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', from)
  redis.call('ZREMRANGEBYRANK', key, 0, -(max_entries + 1))
  redis.call('PEXPIRE', key, ttl)
end

if merchant ~= '' then
  redis.call('ZADD', KEYS[1], 'GT', t, merchant)
  keep(KEYS[1], ARGV[8], ARGV[11])
end

-- Welford's running mean and sum of squared deviations, per currency.
local s = redis.call('HMGET', KEYS[2], currency .. ':n', currency .. ':mean', currency .. ':m2')
local n, mean, m2 = tonumber(s[1]) or 0, tonumber(s[2]) or 0, tonumber(s[3]) or 0
local x = tonumber(amount)
n = n + 1
local delta = x - mean
mean = mean + delta / n
m2 = m2 + delta * (x - mean)
redis.call('HSET', KEYS[2], currency .. ':n', string.format('%d', n),
  currency .. ':mean', string.format('%.17g', mean), currency .. ':m2', string.format('%.17g', m2))
redis.call('PEXPIRE', KEYS[2], ARGV[11])

if verdict == 'ALLOW' then
  redis.call('ZADD', KEYS[3], t, ARGV[6] .. '|' .. currency .. '|' .. ARGV[7])
  keep(KEYS[3], ARGV[9], ARGV[12])
else
  redis.call('DEL', KEYS[3])
end
return 1
