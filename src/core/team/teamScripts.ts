// The team queue's Lua scripts: each step is one atomic script, so no editor ever sees half a
// hand-over. Every script starts with the same prelude: the server's clock (editors' clocks do not
// compare), expired leases and vanished waiters swept away, and `promote`, which hands free slots
// to the queue's head in order and tells the new holders over pub/sub (no polling).
//
// Keys (one hash tag per queue, so Redis Cluster keeps them on one node):
//   holders  zset  ticket -> lease expiry (ms, server clock)
//   wait     zset  ticket -> class * 1e13 + arrival number (FIFO within a class)
//   alive    zset  ticket -> waiter heartbeat expiry (a dead editor's tickets leave the queue)
//                  = last heartbeat + alive ms: a grant's lease runs from that heartbeat
//   seq      string arrival counter
//   cap      string the learned shared limit (a float: additive increase in fractions)
//   cool     string the team cooldown; exists while it lasts (PX expiry, no clocks compared)
//   editors  zset  editor id -> last seen + editor TTL (how many editors are active)
//   hint     string DeepSeek's reported account concurrency after a 429: a ceiling for cap
// Tickets are random ids; nothing of a prompt, an answer or a key ever reaches Redis.

const PRELUDE = `
local holders, wait, alive, seq, cap, cool, editors, hint =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- Expired leases return their slots; tickets whose editor stopped beating leave the queue.
local function sweep()
  redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
  local gone = redis.call('ZRANGEBYSCORE', alive, '-inf', now)
  for _, ticket in ipairs(gone) do redis.call('ZREM', wait, ticket) end
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', alive, '-inf', now) end
  redis.call('ZREMRANGEBYSCORE', editors, '-inf', now)
end

local function currentCap(initial)
  local c = tonumber(redis.call('GET', cap))
  if not c then
    c = initial
    redis.call('SET', cap, tostring(c))
  end
  local h = tonumber(redis.call('GET', hint))
  if h and c > h then c = h end
  return c
end

-- Hands free slots to the head of the queue (highest class first, then arrival order). A lease
-- runs from the waiter's last heartbeat, not from now: the editor may have died since, and its
-- slot must come back within one lease of its death, not of the grant.
local function promote(initial, leaseMs, aliveMs, channel)
  if redis.call('EXISTS', cool) == 1 then return end
  local free = math.floor(currentCap(initial)) - redis.call('ZCARD', holders)
  local granted = {}
  while free > 0 do
    local head = redis.call('ZRANGE', wait, 0, 0)[1]
    if not head then break end
    local beat = tonumber(redis.call('ZSCORE', alive, head)) or (now + aliveMs)
    redis.call('ZREM', wait, head)
    redis.call('ZREM', alive, head)
    redis.call('ZADD', holders, math.min(now, beat - aliveMs) + leaseMs, head)
    granted[#granted + 1] = head
    free = free - 1
  end
  if #granted > 0 then redis.call('PUBLISH', channel, table.concat(granted, ' ')) end
end

-- Keys of an abandoned queue expire; the cooldown and the hint keep their own, shorter expiry.
local function touch(ttlMs)
  for _, i in ipairs({1, 2, 3, 4, 5, 7}) do redis.call('PEXPIRE', KEYS[i], ttlMs) end
end

-- {held, place in queue (0-based, -1 if not waiting), queue length, cap, holders, editors, cooldown ms}
local function status(ticket, initial)
  local rank = redis.call('ZRANK', wait, ticket)
  return {
    redis.call('ZSCORE', holders, ticket) and 1 or 0,
    rank or -1,
    redis.call('ZCARD', wait),
    tostring(currentCap(initial)),
    redis.call('ZCARD', holders),
    redis.call('ZCOUNT', editors, now, '+inf'),
    redis.call('PTTL', cool),
  }
end
`;

/** ARGV: ticket, class rank, editor, initial cap, lease ms, ttl ms, channel, editor ttl ms, alive ms. */
export const ACQUIRE = `${PRELUDE}
local ticket, rank, editor = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local initial, leaseMs, ttlMs, channel = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local aliveMs = tonumber(ARGV[9])
sweep()
redis.call('ZADD', editors, now + tonumber(ARGV[8]), editor)
local n = redis.call('INCR', seq)
redis.call('ZADD', wait, rank * 1e13 + n, ticket)
redis.call('ZADD', alive, now + aliveMs, ticket)
promote(initial, leaseMs, aliveMs, channel)
touch(ttlMs)
return status(ticket, initial)
`;

/**
 * A waiter's heartbeat, also run after a wake-up or when a cooldown ends: keeps the ticket alive,
 * hands out free slots, and reports the ticket's state. ARGV as ACQUIRE minus the class.
 */
export const BEAT = `${PRELUDE}
local ticket, editor = ARGV[1], ARGV[2]
local initial, leaseMs, ttlMs, channel = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local aliveMs = tonumber(ARGV[8])
sweep()
redis.call('ZADD', editors, now + tonumber(ARGV[7]), editor)
if redis.call('ZSCORE', wait, ticket) then redis.call('ZADD', alive, now + aliveMs, ticket) end
promote(initial, leaseMs, aliveMs, channel)
touch(ttlMs)
return status(ticket, initial)
`;

/** A holder's lease renewal (every third of the lease while its request streams). ARGV: ticket, lease ms. 1 = renewed, 0 = lost. */
export const RENEW = `${PRELUDE}
sweep()
if redis.call('ZSCORE', holders, ARGV[1]) then
  redis.call('ZADD', holders, now + tonumber(ARGV[2]), ARGV[1])
  return 1
end
return 0
`;

/**
 * Gives a ticket back, held or waiting, and learns from how its request went.
 * ARGV: ticket, outcome (success | rateLimited | failed | aborted | leave), reported concurrency
 * (0 if none), initial cap, max cap, lease ms, ttl ms, channel, cooldown ms, hint ttl ms, alive ms.
 */
export const RELEASE = `${PRELUDE}
local ticket, outcome, reported = ARGV[1], ARGV[2], tonumber(ARGV[3])
local initial, maxCap, leaseMs, ttlMs, channel = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
sweep()
local held = redis.call('ZREM', holders, ticket) == 1
redis.call('ZREM', wait, ticket)
redis.call('ZREM', alive, ticket)
local c = currentCap(initial)
if held and outcome == 'success' then
  -- Increase only while demand fills the cap: +1 per success until the account's limit is
  -- known (the first 429 sets the hint), then additive, +1 slot per cap successes.
  if redis.call('ZCARD', wait) > 0 and redis.call('EXISTS', cool) == 0 and c < maxCap then
    local step = redis.call('EXISTS', hint) == 1 and 1 / math.floor(c) or 1
    redis.call('SET', cap, tostring(math.min(maxCap, c + step)))
  end
elseif outcome == 'rateLimited' then
  -- One cut per team cooldown, however many editors see the same burst of 429s. DeepSeek's
  -- reported concurrency (the account's requests in flight) bounds the cap for a while.
  if redis.call('SET', cool, '1', 'PX', tonumber(ARGV[9]), 'NX') then
    local cut = math.max(1, math.floor(c * 0.7))
    local ceiling = math.max(1, math.floor(c) - 1)
    if reported > 0 then
      cut = math.max(1, math.min(c - 1, reported))
      ceiling = reported
    end
    redis.call('SET', hint, tostring(ceiling), 'PX', tonumber(ARGV[10]))
    redis.call('SET', cap, tostring(cut))
  end
end
promote(initial, leaseMs, tonumber(ARGV[11]), channel)
touch(ttlMs)
return held and 1 or 0
`;

/** The queue at a glance (the status bar, a cooldown's end); hands out free slots. ARGV: initial cap, lease ms, channel, alive ms. */
export const PEEK = `${PRELUDE}
sweep()
promote(tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4]), ARGV[3])
return status('', tonumber(ARGV[1]))
`;
