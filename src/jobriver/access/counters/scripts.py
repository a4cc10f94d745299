"""The Lua scripts of the Redis counters. Redis runs each script atomically.

Times are epoch seconds as floats, read from Redis's clock (TIME). A Lua
number passed to a Redis command is written with 17 significant digits, so
the scores keep their full precision.
"""

# KEYS[1]: the bucket's sorted set of admitted request times.
# ARGV[1]: the limit, ARGV[2]: the window in seconds, ARGV[3]: a unique member name.
# Returns {admitted (1 or 0), requests in the window before this one,
# time of the oldest of them or nil, clock seconds, clock microseconds}.
RATE_LIMIT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] or false
if count >= tonumber(ARGV[1]) then
    return {0, count, oldest, clock[1], clock[2]}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window * 1000)
return {1, count, oldest, clock[1], clock[2]}
"""

# KEYS[1]: the address's sorted set of failure times, KEYS[2]: its block key.
# ARGV[1]: failures that block, ARGV[2]: the failure window in seconds,
# ARGV[3]: the block in seconds, ARGV[4]: a unique member name.
# Returns 1 if this failure started a block, else 0.
RECORD_FAILURE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window * 1000)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
    return 0
end
redis.call('DEL', KEYS[1])
local block = tonumber(ARGV[3])
-- NX: a block that is still running is never extended.
if redis.call('SET', KEYS[2], now + block, 'PX', block * 1000, 'NX') then
    return 1
end
return 0
"""

# KEYS[1]: the address's block key.
# Returns {blocked until or nil, clock seconds, clock microseconds}.
READ_BLOCK = """
local clock = redis.call('TIME')
return {redis.call('GET', KEYS[1]), clock[1], clock[2]}
"""

# KEYS[1]: the credential's usage hash, KEYS[2]: the set of hashes that the
# database rows do not hold yet. ARGV[1]: the hash's member name in that set,
# ARGV[2]: the counter field, ARGV[3]: the day field or '', ARGV[4]: the time
# of use in epoch microseconds or '', ARGV[5]: the client address.
# Returns 0 and changes nothing if the hash is missing, because it must be
# seeded from the database row first; else 1.
RECORD_USAGE = """
if redis.call('EXISTS', KEYS[1]) == 0 then
    return 0
end
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
if ARGV[3] ~= '' then
    redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
end
if ARGV[4] ~= '' then
    local last = tonumber(redis.call('HGET', KEYS[1], 'last_used_at') or '0')
    if tonumber(ARGV[4]) >= last then
        redis.call('HSET', KEYS[1], 'last_used_at', ARGV[4], 'last_used_ip', ARGV[5])
    end
end
redis.call('HINCRBY', KEYS[1], 'version', 1)
-- A hash with counts that the row lacks must not expire.
redis.call('PERSIST', KEYS[1])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
"""

# KEYS[1]: the usage hash. ARGV[1]: its expiry in milliseconds, then field,
# value pairs read from the database row. Writes only if the hash is still
# missing, so that a concurrent seed and its increments are kept.
SEED_USAGE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return 0
end
redis.call('HSET', KEYS[1], 'version', 0, unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
"""

# KEYS[1]: the usage hash, KEYS[2]: the set of hashes the rows do not hold.
# ARGV[1]: the hash's member name, ARGV[2]: the version that was written to
# the row, ARGV[3]: the expiry in milliseconds, ARGV[4...]: day fields that
# can go. If nothing changed since that version, the hash is clean: it
# leaves the set and expires. Returns 1 if it did, else 0.
CLEAN_USAGE = """
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[2] then
    return 0
end
redis.call('SREM', KEYS[2], ARGV[1])
for index = 4, #ARGV do
    redis.call('HDEL', KEYS[1], ARGV[index])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
