// The shared quota's Lua scripts (docs/scale-out.md "Shared quota"). Each runs atomically in Redis on the keys of one
// (provider, key hash, model), all under one {hash tag}, with Redis TIME as the only clock. The arithmetic is the
// local models' (sliding-log.ts, bucket.ts, calendar-day.ts): a ZSET of unique reservation ids per sliding log, a
// refilling level per bucket, a counter per calendar day that expires after its reset.
//
// KEYS[1] is the key prefix "ev:{provider:keyhash:model}". Every script takes the dimensions as groups of ARGV:
//   name, kind ("s" sliding log | "b" bucket | "d" calendar day), limit, hard limit, window ms, day reset (server ms).
// Numbers go back as strings: Redis would truncate a Lua number to an integer.
import { WAITER_QUEUE } from './waiter-queue';

const COMMON = `
local P = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local function dims(from, count)
  local out = {}
  for i = 0, count - 1 do
    local b = from + i * 6
    out[#out + 1] = { name = ARGV[b], kind = ARGV[b + 1], limit = tonumber(ARGV[b + 2]), hard = tonumber(ARGV[b + 3]),
      window = tonumber(ARGV[b + 4]), reset = tonumber(ARGV[b + 5]) }
  end
  return out
end

local function tokenDim(name) return name == 'TPM' or name == 'TPD' end
local function cost(d, tokens) if tokenDim(d.name) then return tokens end return 1 end

local function logKey(d) return P .. ':log:' .. d.name end
local function amtKey(d) return P .. ':amt:' .. d.name end
local function sumKey(d) return P .. ':sum:' .. d.name end
local function bucketKey(d) return P .. ':bkt:' .. d.name end
local function dayKey(d) return P .. ':day:' .. d.name .. ':' .. string.format('%d', d.reset) end

-- Sliding log: drop charges that left the window, keeping the running sum.
local function prune(d)
  -- A charge counts while now - at < window (sliding-log.ts).
  local gone = redis.call('ZRANGEBYSCORE', logKey(d), '-inf', now - d.window)
  if #gone == 0 then return end
  local amounts = redis.call('HMGET', amtKey(d), unpack(gone))
  local total = 0
  for _, a in ipairs(amounts) do total = total + (tonumber(a) or 0) end
  redis.call('ZREM', logKey(d), unpack(gone))
  redis.call('HDEL', amtKey(d), unpack(gone))
  redis.call('INCRBYFLOAT', sumKey(d), -total)
end

-- Sliding log: count a charge of c from time at.
local function addCharge(d, id, at, c)
  redis.call('ZADD', logKey(d), at, id)
  redis.call('HSET', amtKey(d), id, tostring(c))
  redis.call('INCRBYFLOAT', sumKey(d), c)
end

-- Bucket: the level refilled to now (a missing bucket is full).
local function level(d)
  local h = redis.call('HMGET', bucketKey(d), 'level', 'at')
  local lv, at = tonumber(h[1]), tonumber(h[2])
  if lv == nil then return d.limit end
  if now > at then lv = math.min(d.limit, lv + (now - at) * d.limit / d.window) end
  return lv
end
local function setLevel(d, lv)
  redis.call('HSET', bucketKey(d), 'level', tostring(lv), 'at', tostring(now))
  redis.call('PEXPIRE', bucketKey(d), d.window * 2)
end

local function used(d)
  if d.kind == 's' then prune(d) return tonumber(redis.call('GET', sumKey(d)) or '0') end
  if d.kind == 'b' then return math.max(0, d.limit - level(d)) end
  return tonumber(redis.call('GET', dayKey(d)) or '0')
end

-- The earliest server time >= now at which c fits on d.
local function earliest(d, c)
  if c > d.hard then return math.huge end
  if d.kind == 's' then
    local inWindow = used(d)
    local cap = math.max(d.limit, c)
    if inWindow + c <= cap then return now end
    local ids = redis.call('ZRANGE', logKey(d), 0, -1, 'WITHSCORES')
    for i = 1, #ids, 2 do
      inWindow = inWindow - (tonumber(redis.call('HGET', amtKey(d), ids[i])) or 0)
      if inWindow + c <= cap then return tonumber(ids[i + 1]) + d.window end
    end
    return now
  end
  if d.kind == 'b' then
    local need = math.min(c, d.limit)
    local lv = level(d)
    if lv >= need - 1e-6 then return now end
    return now + math.ceil((need - lv) / (d.limit / d.window))
  end
  if now >= d.reset then return now end -- the client's day is over: it recomputes the reset
  local n = tonumber(redis.call('GET', dayKey(d)) or '0')
  if n + c <= math.max(d.limit, c) then return now end
  return d.reset
end

-- The waiter queue (docs/scale-out.md "Waking"; waiter-queue.ts) of this quota: its base key is the prefix, and each
-- waiter waits for its request's tokens.
${WAITER_QUEUE}
-- Live instances (docs/scale-out.md "Redis down"), for each one's share while Redis is out of reach: P:live (ZSET
-- instance -> its last acquire), P:live:since (a counter's value when it became live), P:live:held (the counter's value
-- of the latest count the instance confirmed it holds: it sends back the one of the last reply it applied). A join is
-- complete once every other live instance holds a count read after it; until then one of them may divide by a count
-- without it. Returns {live, this read's counter, 1 if the caller's join is complete}.
local function liveRead(instance, heldSeq, ttl, asks)
  local L = P .. ':live'
  local gone = redis.call('ZRANGEBYSCORE', L, '-inf', now - ttl)
  if #gone > 0 then
    redis.call('ZREM', L, unpack(gone))
    redis.call('HDEL', L .. ':since', unpack(gone))
    redis.call('HDEL', L .. ':held', unpack(gone))
  end
  local seq = redis.call('INCR', L .. ':seq')
  if asks and redis.call('ZADD', L, now, instance) == 1 then redis.call('HSET', L .. ':since', instance, seq) end
  if redis.call('ZSCORE', L, instance) == false then return { redis.call('ZCARD', L), seq, 0 } end
  if heldSeq > (tonumber(redis.call('HGET', L .. ':held', instance)) or 0) then redis.call('HSET', L .. ':held', instance, heldSeq) end
  local since = tonumber(redis.call('HGET', L .. ':since', instance)) or 0
  local members = redis.call('ZRANGE', L, 0, -1)
  local held = redis.call('HMGET', L .. ':held', unpack(members))
  local joined = 1
  for i, m in ipairs(members) do
    if m ~= instance and (tonumber(held[i]) or 0) <= since then joined = 0 end
  end
  return { #members, seq, joined }
end
-- Whether c more fits on d now, within its limit (no allowance for one oversized request: c is a queue's sum).
local function fitsNow(d, c)
  if d.kind == 'b' then return level(d) >= c - 1e-6 end
  if d.kind == 'd' and now >= d.reset then return true end
  return used(d) + c <= d.limit
end
-- Capacity freed early wakes the next waiter only, on its own channel; it re-asks, and its admission wakes the next.
local function wake() queueWake(P) end
`;

/**
 * acquire: ARGV[1] tokens, ARGV[2] notBefore (server ms), ARGV[3] reservation ttl ms, ARGV[4] instance id, ARGV[5] how
 * long an instance counts as live after its last call (ms), ARGV[6] dimension count, then dims, then the waiter id,
 * how long its queue entry lasts without another ask (ms), and the counter of the live count it holds (liveRead).
 * Returns {1, id, now, live, used...} or {0, at, now, live, used..., blocker name, blocker at, ...}, live being
 * liveRead's {live, counter, joined}; a refusal charges nothing.
 * Blocker "queue": capacity is there, but not for this request on top of every earlier waiter's (they come first).
 */
export const ACQUIRE = `${COMMON}
local tokens = tonumber(ARGV[1])
local notBefore = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local live = liveRead(ARGV[4], tonumber(ARGV[9 + 6 * tonumber(ARGV[6])]), tonumber(ARGV[5]), true)
local ds = dims(7, tonumber(ARGV[6]))
local at = math.max(now, notBefore)
local blockers = {}
local paused = tonumber(redis.call('GET', P .. ':pause') or '0')
if paused > now then
  at = math.max(at, paused)
  blockers[#blockers + 1] = 'pause'
  blockers[#blockers + 1] = tostring(paused)
end
for _, d in ipairs(ds) do
  local e = earliest(d, cost(d, tokens))
  if e > now then
    at = math.max(at, e)
    blockers[#blockers + 1] = d.name
    blockers[#blockers + 1] = tostring(e)
  end
end
local wq = 7 + 6 * tonumber(ARGV[6])
local waiter, waiterTtl = ARGV[wq], tonumber(ARGV[wq + 1])
queuePrune(P)
local rank = queueRank(P, waiter)
if rank > 0 and at <= now then
  -- Admitted only if what is free also covers every earlier waiter: nobody ahead loses its turn, and a burst of freed
  -- capacity goes to several waiters at once instead of one wake-up after another.
  local ahead, aheadTokens = queueAhead(P, rank)
  for _, d in ipairs(ds) do
    local before = #ahead
    if tokenDim(d.name) then before = aheadTokens end
    if at <= now and not fitsNow(d, cost(d, tokens) + before) then
      at = now + waiterTtl
      blockers[#blockers + 1] = 'queue'
      blockers[#blockers + 1] = tostring(at)
      wake() -- the head may have missed its wake-up (pub/sub drops messages over a reconnect)
    end
  end
end
if at > now then
  queueJoin(P, waiter, waiterTtl, tokens)
else
  queueLeave(P, waiter)
  wake() -- the next waiter asks now: what is left may fit it
end
local usage = {}
if at > now then
  for _, d in ipairs(ds) do usage[#usage + 1] = tostring(used(d)) end
  local out = { 0, tostring(at), tostring(now), live }
  for _, u in ipairs(usage) do out[#out + 1] = u end
  for _, b in ipairs(blockers) do out[#out + 1] = b end
  return out
end
local id = tostring(redis.call('INCR', P .. ':seq'))
local res = P .. ':res:' .. id
redis.call('HSET', res, 'tokens', tostring(tokens))
for i, d in ipairs(ds) do
  local c = cost(d, tokens)
  if d.kind == 's' then
    redis.call('ZADD', logKey(d), now, id)
    redis.call('HSET', amtKey(d), id, tostring(c))
    redis.call('INCRBYFLOAT', sumKey(d), c)
  elseif d.kind == 'b' then
    setLevel(d, level(d) - c)
  else
    redis.call('INCRBYFLOAT', dayKey(d), c)
    redis.call('PEXPIREAT', dayKey(d), d.reset + 3600000)
    redis.call('HSET', res, 'day' .. i, dayKey(d))
  end
  usage[#usage + 1] = tostring(used(d))
end
redis.call('PEXPIRE', res, ttl)
local out = { 1, id, tostring(now), live }
for _, u in ipairs(usage) do out[#out + 1] = u end
return out
`;

/** restamp: ARGV[1] id, ARGV[2] dimension count, then dims. The call really started now (server time). */
export const RESTAMP = `${COMMON}
local id = ARGV[1]
local res = P .. ':res:' .. id
if redis.call('EXISTS', res) == 0 then return 0 end
local tokens = tonumber(redis.call('HGET', res, 'tokens'))
for _, d in ipairs(dims(3, tonumber(ARGV[2]))) do
  if d.kind == 's' then
    prune(d)
    if redis.call('ZADD', logKey(d), 'XX', 'CH', 'GT', now, id) == 0 and redis.call('ZSCORE', logKey(d), id) == false then
      -- Its admission already left the window: the server counts the call from its real start.
      addCharge(d, id, now, cost(d, tokens))
    end
  end
end
return 1
`;

/**
 * settle / refund: ARGV[1] id, ARGV[2] new token count (-1: refund), ARGV[3] dimension count, then dims. The reservation
 * closes; capacity freed early wakes the waiting instances.
 */
export const CLOSE = `${COMMON}
local id = ARGV[1]
local newTokens = tonumber(ARGV[2])
local refund = newTokens < 0
local res = P .. ':res:' .. id
if redis.call('EXISTS', res) == 0 then return 0 end
local tokens = tonumber(redis.call('HGET', res, 'tokens'))
local freed = false
for i, d in ipairs(dims(4, tonumber(ARGV[3]))) do
  local old = cost(d, tokens)
  local new = 0
  if not refund then new = cost(d, newTokens) end
  local delta = new - old
  if delta ~= 0 then
    if delta < 0 then freed = true end
    if d.kind == 's' then
      prune(d)
      if refund then
        if redis.call('ZREM', logKey(d), id) == 1 then
          redis.call('HDEL', amtKey(d), id)
          redis.call('INCRBYFLOAT', sumKey(d), -old)
        end
      elseif redis.call('ZSCORE', logKey(d), id) ~= false then
        redis.call('HSET', amtKey(d), id, tostring(new))
        redis.call('INCRBYFLOAT', sumKey(d), delta)
      end
    elseif d.kind == 'b' then
      setLevel(d, math.min(d.limit, level(d) - delta))
    else
      local charged = redis.call('HGET', res, 'day' .. i)
      if charged == dayKey(d) and redis.call('EXISTS', charged) == 1 then redis.call('INCRBYFLOAT', charged, delta) end
    end
  end
end
redis.call('DEL', res)
if freed then wake() end
return 1
`;

/** pause: ARGV[1] until (server ms; 0 lifts the pause). A pause only ever extends; lifting one wakes everyone. */
export const PAUSE = `${COMMON}
local untilMs = tonumber(ARGV[1])
if untilMs == 0 then
  redis.call('DEL', P .. ':pause')
  wake()
  return 0
end
local current = tonumber(redis.call('GET', P .. ':pause') or '0')
if untilMs > current then
  redis.call('SET', P .. ':pause', tostring(untilMs), 'PXAT', math.ceil(untilMs))
  return 1
end
return 0
`;

/** sync: ARGV[1] remaining, ARGV[2] server limit, then one bucket dimension: the server's remaining quota bounds ours. */
export const SYNC = `${COMMON}
local remaining = tonumber(ARGV[1])
local serverLimit = tonumber(ARGV[2])
local d = dims(3, 1)[1]
local margin = math.max(0, serverLimit - d.limit)
setLevel(d, math.min(level(d), remaining - margin))
return 1
`;

/**
 * replay: ARGV[1] charge count k, then k pairs (tokens, admission time in server ms), then dimension count and dims.
 * Charges this instance took locally while Redis was out of reach go into the shared count, each on the dimensions
 * it still counts on: a sliding log while in its window, a bucket by what has not refilled since, a day if it is today's.
 */
export const REPLAY = `${COMMON}
local k = tonumber(ARGV[1])
local from = 2 + 2 * k
local ds = dims(from + 1, tonumber(ARGV[from]))
for j = 0, k - 1 do
  local tokens = tonumber(ARGV[2 + 2 * j])
  local at = tonumber(ARGV[3 + 2 * j])
  for _, d in ipairs(ds) do
    local c = cost(d, tokens)
    if d.kind == 's' then
      if now - at < d.window then
        local id = 'replay' .. tostring(redis.call('INCR', P .. ':seq'))
        redis.call('ZADD', logKey(d), at, id)
        redis.call('HSET', amtKey(d), id, tostring(c))
        redis.call('INCRBYFLOAT', sumKey(d), c)
      end
    elseif d.kind == 'b' then
      local left = c - math.max(0, now - at) * d.limit / d.window
      if left > 0 then setLevel(d, level(d) - left) end
    elseif at >= d.reset - 86400000 then
      redis.call('INCRBYFLOAT', dayKey(d), c)
      redis.call('PEXPIREAT', dayKey(d), d.reset + 3600000)
    end
  end
end
return k
`;

/**
 * days: ARGV[1] a fresh id, ARGV[2] the id the caller saw before (empty: none yet), ARGV[3] a count m, then m groups of
 * (day dimension name, its reset in server ms, amount). Redis marks this quota with an id the first time it is asked
 * (no expiry). Another id than the one the caller saw means this Redis lost what it held (restarted without
 * persistence, or flushed): the caller's charges of the day that left the per-minute windows go back into the day
 * counters, where REPLAY does not reach (docs/scale-out.md "Redis down"). Returns the id held now.
 */
export const DAYS = `${COMMON}
redis.call('SET', P .. ':born', ARGV[1], 'NX')
local id = redis.call('GET', P .. ':born')
if ARGV[2] ~= '' and id ~= ARGV[2] then
  for j = 0, tonumber(ARGV[3]) - 1 do
    local b = 4 + 3 * j
    local reset = tonumber(ARGV[b + 1])
    if reset > now then
      local k = P .. ':day:' .. ARGV[b] .. ':' .. string.format('%d', reset)
      redis.call('INCRBYFLOAT', k, tonumber(ARGV[b + 2]))
      redis.call('PEXPIREAT', k, reset + 3600000)
    end
  end
end
return id
`;

/** leave: ARGV[1] waiter id. A scheduler with nothing left to ask for gives up its place and wakes the next waiter. */
export const LEAVE = `${COMMON}
queueQuit(P, ARGV[1])
return 1
`;

/** wake: no arguments. Limits changed or capacity freed outside a script: the next waiter asks again. */
export const WAKE = `${COMMON}
wake()
return 1
`;

/**
 * usage: ARGV[1] how long an instance counts as live (ms), ARGV[2] dimension count, then dims, then the caller's
 * instance id and the counter of the live count it holds. Read for the Instances view and the live count's heartbeat:
 * {now, live (liveRead's {live, counter, joined}; the caller is not counted live for reading), waiting, used...}.
 */
export const USAGE = `${COMMON}
local from = 3 + 6 * tonumber(ARGV[2])
local live = liveRead(ARGV[from], tonumber(ARGV[from + 1]), tonumber(ARGV[1]), false)
queuePrune(P)
local out = { tostring(now), live, redis.call('ZCARD', P .. ':waiters') }
for _, d in ipairs(dims(3, tonumber(ARGV[2]))) do out[#out + 1] = tostring(used(d)) end
return out
`;

/**
 * arrive: ARGV[1] id, ARGV[2] ms after its start by which the server had the request, ARGV[3] dimension count, then
 * dims (docs/engine.md §1, "Arrival"). On every sliding log the charge counts from start + that bound, replacing an
 * earlier bound (a call's own bound replaces the guard it started with); the start is its restamp's score, kept on
 * the reservation at the first arrive. Pruned already (a start more than a window ago), it counts again from the latest
 * the request can have arrived. A charge that now leaves sooner wakes the waiting instances.
 */
export const ARRIVE = `${COMMON}
local id = ARGV[1]
local within = tonumber(ARGV[2])
local res = P .. ':res:' .. id
if redis.call('EXISTS', res) == 0 then return 0 end
local tokens = tonumber(redis.call('HGET', res, 'tokens'))
local started = tonumber(redis.call('HGET', res, 'started'))
local sooner = false
for _, d in ipairs(dims(4, tonumber(ARGV[3]))) do
  if d.kind == 's' then
    prune(d)
    local score = tonumber(redis.call('ZSCORE', logKey(d), id))
    if started == nil and score then
      started = score
      redis.call('HSET', res, 'started', tostring(started))
    end
    local at = (started or (now - d.window)) + within
    if score then
      if at < score then sooner = true end
      redis.call('ZADD', logKey(d), 'XX', at, id)
    elseif now - at < d.window then
      addCharge(d, id, at, cost(d, tokens))
    end
  end
end
if sooner then wake() end
return 1
`;
