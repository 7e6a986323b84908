// The fleet's first-come order of waiting instances, as Lua functions for the shared stores' scripts (docs/scale-out.md
// "Waking"). One queue per thing waited for, named by its base key Q (the quota's prefix, a key's `…:slots`, its
// `…:breaker`): Q:waiters (ZSET waiter id -> a counter taken at its first refusal: unique, where two refusals can share a
// millisecond), Q:waiters:need (what each waits for), Q:waiters:ttl (ZSET waiter id -> when its entry lapses unless it
// asks again: a crashed waiter stops asking and leaves by itself). Capacity freed early wakes the head only, on its own
// channel Q:wake:<waiter id>. The including script defines `now` (Redis TIME, ms) first.
export const WAITER_QUEUE = `
local function queuePrune(Q)
  local dead = redis.call('ZRANGEBYSCORE', Q .. ':waiters:ttl', '-inf', now)
  if #dead == 0 then return end
  redis.call('ZREM', Q .. ':waiters', unpack(dead))
  redis.call('ZREM', Q .. ':waiters:ttl', unpack(dead))
  redis.call('HDEL', Q .. ':waiters:need', unpack(dead))
end
local function queueLeave(Q, w)
  redis.call('ZREM', Q .. ':waiters', w)
  redis.call('ZREM', Q .. ':waiters:ttl', w)
  redis.call('HDEL', Q .. ':waiters:need', w)
end
-- Enqueues once (a waiter keeps its place while it asks again) and renews the entry's lapse.
local function queueJoin(Q, w, ttl, need)
  if redis.call('ZSCORE', Q .. ':waiters', w) == false then
    redis.call('ZADD', Q .. ':waiters', redis.call('INCR', Q .. ':waiters:seq'), w)
  end
  redis.call('ZADD', Q .. ':waiters:ttl', now + ttl, w)
  redis.call('HSET', Q .. ':waiters:need', w, tostring(need))
end
-- How many waiters come before w (all of them if w is not queued).
local function queueRank(Q, w)
  return redis.call('ZRANK', Q .. ':waiters', w) or redis.call('ZCARD', Q .. ':waiters')
end
local function queueHead(Q)
  return redis.call('ZRANGE', Q .. ':waiters', 0, 0)[1]
end
-- The first n waiters and the sum of what they wait for.
local function queueAhead(Q, n)
  local ahead = redis.call('ZRANGE', Q .. ':waiters', 0, n - 1)
  local need = 0
  if #ahead > 0 then
    for _, v in ipairs(redis.call('HMGET', Q .. ':waiters:need', unpack(ahead))) do need = need + (tonumber(v) or 0) end
  end
  return ahead, need
end
-- The next waiter only is told: it asks again, and its own admission wakes the one after it.
local function queueWake(Q)
  queuePrune(Q)
  local head = queueHead(Q)
  if head then redis.call('PUBLISH', Q .. ':wake:' .. head, string.format('%d', now)) end
end
-- w has nothing left to wait for: it gives up its place, and the next waiter is told if w was the head.
local function queueQuit(Q, w)
  local head = queueHead(Q)
  queueLeave(Q, w)
  if head == w then queueWake(Q) end
end
`;
