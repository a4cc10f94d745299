"""The Lua scripts of the Redis counters. Redis runs each script atomically.

Times are epoch seconds as floats, read from Redis's clock (TIME). A Lua
number passed to a Redis command is written with 17 significant digits, so
the scores keep their full precision.
"""

# The rate-limit check, as a Lua function. Its arguments are the bucket's
# sorted set of admitted request times, the limit, the window in seconds
# and a unique member name. It returns admitted (1 or 0), the requests in
# the window before this one, the oldest of their times or false, and
# Redis's clock.
_ADMIT_FUNCTION = """
local function admit(bucket, limit, window, member)
    local clock = redis.call('TIME')
    local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
    redis.call('ZREMRANGEBYSCORE', bucket, '-inf', now - window)
    local count = redis.call('ZCARD', bucket)
    local oldest = redis.call('ZRANGE', bucket, 0, 0, 'WITHSCORES')[2] or false
    if count >= limit then
        return 0, count, oldest, clock
    end
    redis.call('ZADD', bucket, now, member)
    redis.call('PEXPIRE', bucket, window * 1000)
    return 1, count, oldest, clock
end
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

# Counting one use, as a Lua function. Its first arguments are the
# credential's usage hash, the set of hashes that the database rows do not
# contain yet and the hash's member name in that set. Then come the counter
# field, the day field or '', the time of use in epoch microseconds or '',
# and the client address. It returns 0 and changes nothing if the hash is
# missing, because the hash must be seeded from the database row first.
# Otherwise it returns 1.
_RECORD_USAGE_FUNCTION = """
local function record_usage(hash, dirty, member, counter, day, used_at, ip)
    if redis.call('EXISTS', hash) == 0 then
        return 0
    end
    redis.call('HINCRBY', hash, counter, 1)
    if day ~= '' then
        redis.call('HINCRBY', hash, day, 1)
    end
    if used_at ~= '' then
        local last = tonumber(redis.call('HGET', hash, 'last_used_at') or '0')
        if tonumber(used_at) >= last then
            redis.call('HSET', hash, 'last_used_at', used_at, 'last_used_ip', ip)
        end
    end
    redis.call('HINCRBY', hash, 'version', 1)
    -- A hash with counts that the row lacks must not expire.
    redis.call('PERSIST', hash)
    redis.call('SADD', dirty, member)
    return 1
end
"""

# Admits and counts a request in one round trip. KEYS: the bucket, the
# usage hash, the dirty set. ARGV: the limit, the window in seconds, a
# unique member name, then the arguments of record_usage after the two keys.
# Returns {admitted, requests in the window before this one, oldest time or
# false, clock seconds, clock microseconds, counted (1 or 0)}. An admitted
# request that was not counted needs its usage hash seeded.
ADMIT = (
    _ADMIT_FUNCTION
    + _RECORD_USAGE_FUNCTION
    + """
local admitted, count, oldest, clock = admit(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3])
local counted = 0
if admitted == 1 then
    counted = record_usage(KEYS[2], KEYS[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])
end
return {admitted, count, oldest, clock[1], clock[2], counted}
"""
)

# KEYS: the usage hash, the dirty set. ARGV: the arguments of record_usage
# after the two keys. Returns what record_usage returns.
RECORD_USAGE = (
    _RECORD_USAGE_FUNCTION
    + """
return record_usage(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
"""
)

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
