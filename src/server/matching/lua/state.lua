-- Per-call state of the matching library: the clock, the config, the key names, and a read
-- cache with buffered writes. Every function starts with begin(KEYS, ARGV) and ends with
-- finish(result). See instructions/matching.md "Redis layout".
--
-- Group commit: the operations of one call run one after another, each seeing the ones before
-- it (reads go through the cache), and the writes go out at the end as one multi-member command
-- per key. A redis.call costs 1-5 us under load, so this is where the time goes.
--
-- The constants in CAPITALS that are not set here (QUEUE_SCORE_SCALE, WAIT_SAMPLES, ...) are
-- injected from TypeScript when the library is assembled (library.ts).

-- Per call: begin() sets all of these. The library is loaded once (Redis Functions), so its
-- functions are created once instead of on every call; only this state is per call.
local call, byte, find, fmt, P, NOW, LAST, NOW_S
local WINDOW, RELAX, REMATCH, RESET_AFTER, SKIP_FREE, SKIP_WINDOW
local STEPS, STEPS_SOURCE = {}, nil
local int -- integer → string (below)
local K_TIX, K_Q, K_CUR, K_CD, K_MOODS, K_LIVE, K_BAR, K_PRES

-- ---------------------------------------------------------------- state: cached reads, buffered writes
-- H/Z/S hold what this call knows of a hash field / sorted-set member / string key: a value,
-- false (known absent) or nil (not read yet). Writes update them and are remembered in the
-- *_DIRTY tables; flush() sends them as one HSET/HDEL/ZADD/ZREM per key. Anything that reads
-- the queue's order (ZRANGE, ZRANK) flushes first.
local H, H_DIRTY, Z, Z_DIRTY, Z_GT, S, S_DIRTY, INCRS, PUSHES
local SEQ, SEQ_DIRTY, PAD
-- set by writes that record a time (a session's start or end): they move the store's clock
local STAMPED
local DIRTY
local Q_ADDED   -- members this call added to the queue, oldest first (newer than any stored)
local FRESH     -- unseen_after → stored queue members newer than it, newest first
local POSITIONS -- waiting replies whose queue position is filled in after the flush

-- keys[1] is the namespace prefix mm:{<ns>}: (every key derives from it: one Cluster slot);
-- args[1..8] are the clock and the config, in the order protocol/header.ts sends them
local function begin(keys, args)
  -- (the standard libraries are not reachable while the library loads: bound here)
  call, byte, find, fmt = redis.call, string.byte, string.find, string.format
  P = keys[1]
  -- The store's clock never runs backwards: a call whose time was taken before a concurrent
  -- call that has already run (another instance, a queued command) uses that later time, so
  -- records keep their order (a session never starts before its user's previous one ended).
  NOW = tonumber(args[1])
  LAST = tonumber(call('GET', P .. 'clock') or '0')
  if LAST > NOW then NOW = LAST end
  NOW_S = int(NOW)
  WINDOW, RELAX, REMATCH = tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
  RESET_AFTER, SKIP_FREE, SKIP_WINDOW = tonumber(args[5]), tonumber(args[6]), tonumber(args[7])
  if args[8] ~= STEPS_SOURCE then
    STEPS, STEPS_SOURCE = {}, args[8]
    for s in string.gmatch(args[8], '%d+') do STEPS[#STEPS + 1] = tonumber(s) end
  end
  K_TIX, K_Q, K_CUR, K_CD, K_MOODS = P .. 'tix', P .. 'q', P .. 'cur', P .. 'cd', P .. 'moods'
  K_LIVE, K_BAR, K_PRES = P .. 'live', P .. 'bar', P .. 'pres'
  H, H_DIRTY, Z, Z_DIRTY, Z_GT, S, S_DIRTY, INCRS, PUSHES = {}, {}, {}, {}, {}, {}, {}, {}, {}
  SEQ, SEQ_DIRTY, PAD, STAMPED, DIRTY = nil, false, false, false, false
  Q_ADDED, FRESH, POSITIONS = {}, {}, {}
end

-- Numbers leave as integer strings: Redis would print a Lua number with %.17g and Lua's own
-- tostring uses %.14g; both are slow float formatting, and %.14g drops digits of a queue score.
int = function(n)
  if n == math.huge then return '+inf' end
  return fmt('%d', n)
end

local function tab(t, k)
  local v = t[k]
  if v == nil then v = {}; t[k] = v end
  return v
end

local function hget(k, f)
  local c = tab(H, k)
  local v = c[f]
  if v == nil then v = call('HGET', k, f); c[f] = v end
  return v or nil
end

-- the names a cache does not know yet, each once (pending: names with a write the cache cannot
-- answer for yet, which the read must skip too); the prefetchers read them in one command
local function unknown(c, names, pending)
  local need, asked = {}, {}
  for i = 1, #names do
    local n = names[i]
    if c[n] == nil and not asked[n] and not (pending and pending[n]) then asked[n] = true; need[#need + 1] = n end
  end
  return need
end

-- one HMGET for the fields not known yet
local function hprefetch(k, fields)
  local c = tab(H, k)
  local need = unknown(c, fields)
  if #need == 0 then return end
  local vals = call('HMGET', k, unpack(need))
  for i = 1, #need do c[need[i]] = vals[i] end
end

local function hset(k, f, v)
  tab(H, k)[f] = v
  tab(H_DIRTY, k)[f] = true
  DIRTY = true
end

local function hdel(k, f)
  tab(H, k)[f] = false
  tab(H_DIRTY, k)[f] = true
  DIRTY = true
end

local function sget(k)
  local v = S[k]
  if v == nil then v = call('GET', k); S[k] = v end
  return v or nil
end

-- one MGET for the string keys not known yet
local function sprefetch(keys)
  local need = unknown(S, keys)
  if #need == 0 then return end
  local vals = call('MGET', unpack(need))
  for i = 1, #need do S[need[i]] = vals[i] end
end

local function sset(k, v, px)
  S[k] = v
  S_DIRTY[k] = px or 0
  DIRTY = true
end

local function hincr(k, f, n)
  local c = tab(INCRS, k)
  c[f] = (c[f] or 0) + n
  DIRTY = true
end

local function zscore(k, m)
  local c = tab(Z, k)
  local v = c[m]
  if v == nil then
    v = call('ZSCORE', k, m)
    v = v and tonumber(v) or false
    local gt = Z_GT[k] and Z_GT[k][m]
    if gt then
      -- a pending ZADD GT onto a value not read before: now both are known
      if not v or gt > v then v = gt end
      Z_GT[k][m] = nil
      tab(Z_DIRTY, k)[m] = 'set'
    end
    c[m] = v
  end
  return v or nil
end

-- one ZMSCORE for the members not known yet
local function zprefetch(k, members)
  local c = tab(Z, k)
  local need = unknown(c, members, Z_GT[k])
  if #need == 0 then return end
  local vals = call('ZMSCORE', k, unpack(need))
  for i = 1, #need do c[need[i]] = vals[i] and tonumber(vals[i]) or false end
end

local function zadd(k, score, m)
  tab(Z, k)[m] = score
  tab(Z_DIRTY, k)[m] = 'set'
  if Z_GT[k] then Z_GT[k][m] = nil end
  DIRTY = true
end

-- ZADD GT: never lowers the member's score
local function zadd_gt(k, score, m)
  local c = tab(Z, k)
  local v = c[m]
  if v == nil then
    local g = tab(Z_GT, k)
    if not g[m] or score > g[m] then g[m] = score end
    DIRTY = true
  elseif v == false or score > v then
    zadd(k, score, m)
  end
end

local function zrem(k, m)
  tab(Z, k)[m] = false
  tab(Z_DIRTY, k)[m] = 'del'
  if Z_GT[k] then Z_GT[k][m] = nil end
  DIRTY = true
end

local function next_seq()
  if SEQ == nil then SEQ = tonumber(call('GET', P .. 'seq') or '0') end
  SEQ = SEQ + 1
  SEQ_DIRTY = true
  DIRTY = true
  return SEQ
end

local function flush()
  if not DIRTY then return end
  for k, fields in pairs(H_DIRTY) do
    local c = H[k]
    local sets, dels = {}, {}
    for f in pairs(fields) do
      local v = c[f]
      if v then sets[#sets + 1] = f; sets[#sets + 1] = v else dels[#dels + 1] = f end
    end
    if #sets > 0 then call('HSET', k, unpack(sets)) end
    if #dels > 0 then call('HDEL', k, unpack(dels)) end
  end
  for k, members in pairs(Z_DIRTY) do
    local c = Z[k]
    local adds, dels = {}, {}
    for m, kind in pairs(members) do
      if kind == 'set' then adds[#adds + 1] = int(c[m]); adds[#adds + 1] = m else dels[#dels + 1] = m end
    end
    if #adds > 0 then call('ZADD', k, unpack(adds)) end
    if #dels > 0 then call('ZREM', k, unpack(dels)) end
  end
  for k, members in pairs(Z_GT) do
    local adds = {}
    for m, score in pairs(members) do adds[#adds + 1] = int(score); adds[#adds + 1] = m end
    if #adds > 0 then call('ZADD', k, 'GT', unpack(adds)) end
  end
  for k, fields in pairs(INCRS) do
    for f, n in pairs(fields) do
      if n ~= 0 then call('HINCRBY', k, f, int(n)) end
    end
  end
  for k, px in pairs(S_DIRTY) do
    if px > 0 then call('SET', k, S[k], 'PX', int(px)) else call('SET', k, S[k]) end
  end
  if #PUSHES > 0 and call('LPUSH', P .. 'waits', unpack(PUSHES)) > 2 * WAIT_SAMPLES then
    call('LTRIM', P .. 'waits', 0, WAIT_SAMPLES - 1)
  end
  if SEQ_DIRTY then call('SET', P .. 'seq', int(SEQ)) end
  -- the pad only has to exist once per hash (it never leaves); re-assert it now and then
  if PAD then call('HSETNX', K_TIX, TICKET_PAD_FIELD, string.rep('-', 80)) end
  if STAMPED and NOW > LAST then call('SET', P .. 'clock', NOW_S); LAST = NOW end
  H_DIRTY, Z_DIRTY, Z_GT, INCRS, S_DIRTY, PUSHES = {}, {}, {}, {}, {}, {}
  SEQ_DIRTY, PAD, DIRTY, STAMPED = false, false, false, false
  -- what was added is stored now; a later fresh scan reads the queue again
  Q_ADDED, FRESH = {}, {}
end

-- flush, fill in the queue positions of this call's waiting replies, return the result
local function finish(result)
  flush()
  if #POSITIONS > 0 then
    local n = call('ZCARD', K_Q)
    for i = 1, #POSITIONS do
      local p = POSITIONS[i]
      local rank = call('ZRANK', K_Q, p.uid)
      -- gone: matched later in the same batch (a match event follows); any position will do
      p.reply[2] = rank and rank + 1 or 1
      p.reply[3] = math.max(n, 1)
    end
    POSITIONS = {}
  end
  return result
end
