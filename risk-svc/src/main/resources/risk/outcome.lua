-- What became of a payment (FeatureStore#recordOutcome). Key layout: observe.lua.
--
-- KEYS  1 merchant days  risk:{m:<id>}:days   2 fraud reports  risk:{u:<id>}:fr
-- ARGV  1 merchant counter ('r' refund, 'd' dispute, '' none)  2 epoch day of the report
--       3 fraud report (0/1)  4 report time ms  5 report member  6 report time - 90 days
--       7 max entries  8 merchant ttl ms  9 fraud ttl ms

local counter, day, fraud, at = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local merchant_days = 30

if counter ~= '' then
  redis.call('HINCRBY', KEYS[1], counter .. ':' .. day, 1)
  if redis.call('HLEN', KEYS[1]) > 4 * merchant_days then
    for _, name in ipairs(redis.call('HKEYS', KEYS[1])) do
      local d = tonumber(string.sub(name, 3))
      if not d or d <= day - merchant_days then redis.call('HDEL', KEYS[1], name) end
    end
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[8])
end

if fraud == '1' then
  redis.call('ZADD', KEYS[2], at, ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[6])
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[7]) + 1))
  redis.call('PEXPIRE', KEYS[2], ARGV[9])
end
return 1
