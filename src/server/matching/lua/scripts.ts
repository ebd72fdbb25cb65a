/**
 * Lua for the Redis driver. Every script gets KEYS[1] = the namespace prefix `mm:{<ns>}:` and
 * derives its keys from it, so all of them hash to the namespace's one Cluster slot. ARGV[1..8]
 * are the clock and the config (see redis-store.ts `header`); ARGV[9..] are per script.
 *
 * Rules mirrored from select.ts: window = whole queue if ≤ W else oldest ⌈W/2⌉ + newest ⌊W/2⌋;
 * both sides must accept the mood; score = common interests + 0.5 for the same non-random mood;
 * ties to the earliest enqueued. Every script validates all it relies on before its first write.
 *
 * Encodings (chosen so the candidate scan needs no JSON):
 *   request  l:<uid>   = <moodDigit><modeDigit>\30<interests, each followed by \31, led by \31>\30<profile JSON>
 *   ticket   tix[uid]  = <moodDigit><modeDigit><version>,<since>\30<interests>\30<profile JSON>
 *   (since lives in the ticket: ZRANGE WITHSCORES costs ~10x more than plain ZRANGE; `tix` holds a
 *   long pad field so it is never a listpack, whose HMGET is O(n) per field)
 *   queue    q         = score since*1024 + version%1024 (FIFO inside one millisecond)
 */

const LIBRARY = String.raw`
local P = KEYS[1]
-- The store's clock never runs backwards: a call whose time was taken before a concurrent call
-- that has already run (another instance, a queued command) uses that later time, so records
-- keep their order (a session never starts before its user's previous one ended).
local NOW = tonumber(ARGV[1])
local LAST = tonumber(redis.call('GET', P .. 'clock') or '0')
if LAST > NOW then NOW = LAST end
local WINDOW = tonumber(ARGV[2])
local RELAX = tonumber(ARGV[3])
local REMATCH = tonumber(ARGV[4])
local RESET_AFTER = tonumber(ARGV[5])
local SKIP_FREE = tonumber(ARGV[6])
local SKIP_WINDOW = tonumber(ARGV[7])
local STEPS = {}
for s in string.gmatch(ARGV[8], '%d+') do STEPS[#STEPS + 1] = tonumber(s) end
local SCALE = 1024
local RANDOM = 4
local BONUS = 0.5
local ENDED_TTL = 3600000
local REQUEST_TTL = 86400000

local PAD_FIELD = '~pad~'
local PAD = string.rep('-', 80)
local function ticket_version(v) return string.match(v, '^%d%d(%d+)') end
local function ticket_since(v) return tonumber(string.match(v, '^%d%d%d+,(%d+)')) end
local function ticket_interests(v) return string.match(v, '^[^\30]*\30([^\30]*)') end

local function cooldown_record(uid)
  local c = redis.call('HGET', P .. 'cd', uid)
  if not c then return 0, 0 end
  local level, untl = string.match(c, '^(%d+),(%d+)$')
  return tonumber(level), tonumber(untl)
end

local function cooldown_until(uid)
  local _, untl = cooldown_record(uid)
  if untl > NOW then return untl end
  return nil
end

local function reset_level(uid)
  local level, untl = cooldown_record(uid)
  if untl > NOW then redis.call('HSET', P .. 'cd', uid, '0,' .. untl)
  elseif level > 0 or untl > 0 then redis.call('HDEL', P .. 'cd', uid) end
end

local function interest_set(ints)
  local set, n = {}, 0
  for i in string.gmatch(ints, '[^\31]+') do set[i] = true; n = n + 1 end
  return set, n
end

-- common interests in the seeker's order
local function common_of(seeker_ints, partner_ints)
  local theirs = interest_set(partner_ints)
  local out = {}
  for i in string.gmatch(seeker_ints, '[^\31]+') do if theirs[i] then out[#out + 1] = i end end
  return out
end

local function mood_ok(sm, sd, swaited, cm, cd, cwaited)
  local agree = sm == cm or sm == RANDOM or cm == RANDOM
  return (agree or sd == 1 or swaited >= RELAX) and (agree or cd == 1 or cwaited >= RELAX)
end

local function pair_score(sm, cm, ncommon)
  if sm == cm and sm ~= RANDOM then return ncommon + BONUS end
  return ncommon
end

local function window_entries()
  local q = P .. 'q'
  local n = redis.call('ZCARD', q)
  if n <= WINDOW then return redis.call('ZRANGE', q, 0, -1) end
  local head = math.ceil(WINDOW / 2)
  local tail = WINDOW - head
  local out = redis.call('ZRANGE', q, 0, head - 1)
  if tail > 0 then
    local last = redis.call('ZRANGE', q, -tail, -1)
    for i = 1, #last do out[#out + 1] = last[i] end
  end
  return out
end

-- best partner for a seeker over the window; nil when none. The loop is the hot path: a
-- candidate costs a few byte reads plus one plain find per seeker interest (tickets wrap their
-- interests in \31 so '\31name\31' can only hit the interest field).
local function select_partner(uid, sm, sd, since, ints)
  local flat = window_entries()
  local ids = {}
  for i = 1, #flat do
    if flat[i] ~= uid then ids[#ids + 1] = flat[i] end
  end
  if #ids == 0 then return nil end
  local vals = redis.call('HMGET', P .. 'tix', unpack(ids))
  -- Exclusions and recent pairs are looked up lazily, only for a candidate that would become the
  -- best so far: a handful of lookups per scan instead of two bulk reads of the whole window.
  local xkey, rkey = P .. 'x:' .. uid, P .. 'r:' .. uid
  local has_x = redis.call('EXISTS', xkey) == 1
  local has_r = redis.call('EXISTS', rkey) == 1
  local function allowed(id)
    if has_x and redis.call('SISMEMBER', xkey, id) == 1 then return false end
    if has_r then
      local at = redis.call('ZSCORE', rkey, id)
      if at and NOW - tonumber(at) < REMATCH then return false end
    end
    return true
  end
  local needles = {}
  for it in string.gmatch(ints, '[^\31]+') do needles[#needles + 1] = '\31' .. it .. '\31' end
  local nints = #needles
  local ceiling = pair_score(sm, sm, nints)
  local seeker_accepts_any = sd == 1 or NOW - since >= RELAX
  local byte, find = string.byte, string.find
  local best, best_score
  for i = 1, #ids do
    local v = vals[i]
    if v then
      local cm = byte(v, 1) - 48
      local ok = sm == cm or sm == RANDOM or cm == RANDOM
      if not ok then
        ok = seeker_accepts_any and (byte(v, 2) == 49 or NOW - ticket_since(v) >= RELAX)
      end
      if ok then
        local score = 0
        if sm == cm and sm ~= RANDOM then score = BONUS end
        for j = 1, nints do
          if find(v, needles[j], 1, true) then score = score + 1 end
        end
        if (best == nil or score > best_score) and allowed(ids[i]) then
          best = i; best_score = score
          if score >= ceiling then break end
        end
      end
    end
  end
  if best == nil then return nil end
  return { id = ids[best], v = vals[best], since = ticket_since(vals[best]), score = best_score }
end

local function remove_ticket(uid)
  local v = redis.call('HGET', P .. 'tix', uid)
  if not v then return false end
  redis.call('HDEL', P .. 'tix', uid)
  redis.call('ZREM', P .. 'q', uid)
  redis.call('HINCRBY', P .. 'moods', string.sub(v, 1, 1), -1)
  return true
end

local function profile_of(v) return string.match(v, '^[^\30]*\30[^\30]*\30(.*)$') end

local function remember_pair(u, other)
  local r = P .. 'r:' .. u
  redis.call('ZADD', r, NOW, other)
  redis.call('ZREMRANGEBYSCORE', r, '-inf', NOW - REMATCH)
  redis.call('PEXPIRE', r, REMATCH)
end

-- the pair write: both tickets go, the session and both pointers appear, the pair is remembered
local function write_session(sid, a, av, asince, b, bv, bsince, score)
  local common = common_of(ticket_interests(av), ticket_interests(bv))
  remove_ticket(a)
  remove_ticket(b)
  local s = P .. 's:' .. sid
  redis.call('SET', P .. 'clock', NOW)
  redis.call('HSET', s, 'id', sid, 'a', a, 'b', b, 'am', string.sub(av, 1, 1), 'bm', string.sub(bv, 1, 1),
    'ap', profile_of(av), 'bp', profile_of(bv), 'ci', table.concat(common, '\31'), 'sc', tostring(score), 'c', NOW,
    'aw', NOW - asince, 'bw', NOW - bsince)
  redis.call('HSET', P .. 'cur', a, sid, b, sid)
  redis.call('ZADD', P .. 'live', NOW, sid)
  remember_pair(a, b)
  remember_pair(b, a)
  redis.call('ZADD', P .. 'ann:s', NOW, sid)
  redis.call('LPUSH', P .. 'waits', NOW - asince, NOW - bsince)
  redis.call('LTRIM', P .. 'waits', 0, 99)
  return redis.call('HGETALL', s)
end

local function end_session(sid, reason, by)
  local s = P .. 's:' .. sid
  local a = redis.call('HGET', s, 'a')
  if not a or redis.call('HEXISTS', s, 'e') == 1 then return false end
  local b = redis.call('HGET', s, 'b')
  local start = tonumber(redis.call('HGET', s, 'act') or redis.call('HGET', s, 'c'))
  redis.call('SET', P .. 'clock', NOW)
  redis.call('HSET', s, 'e', NOW, 'rs', reason, 'by', by)
  redis.call('ZREM', P .. 'live', sid)
  for _, u in ipairs({ a, b }) do
    if redis.call('HGET', P .. 'cur', u) == sid then redis.call('HDEL', P .. 'cur', u) end
    if NOW - start >= RESET_AFTER then reset_level(u) end
  end
  redis.call('PEXPIRE', s, ENDED_TTL)
  redis.call('ZADD', P .. 'ann:e', NOW, sid)
  return redis.call('HGETALL', s)
end

local function position_of(uid)
  return { 'waiting', redis.call('ZRANK', P .. 'q', uid) + 1, redis.call('ZCARD', P .. 'q') }
end

-- enqueue or update (keeping the place), then match at once if anyone fits
local function enqueue(uid, req, sid)
  local cu = cooldown_until(uid)
  if cu then return { 'cooldown', cu } end
  local cur = redis.call('HGET', P .. 'cur', uid)
  if cur then
    -- a replay of the call that created it still reports created
    return { 'matched', cur, cur == sid and '1' or '0', redis.call('HGETALL', P .. 's:' .. cur) }
  end
  local queued = redis.call('HGET', P .. 'tix', uid)
  local since = NOW
  if queued then since = ticket_since(queued) end
  local sm = string.byte(req, 1) - 48
  local sd = string.byte(req, 2) - 48
  local pick = select_partner(uid, sm, sd, since, string.match(req, '^%d%d\30([^\30]*)'))
  -- all reads are done: writes from here on
  redis.call('ZADD', P .. 'pres', 'GT', NOW, uid)
  redis.call('SET', P .. 'l:' .. uid, req, 'PX', REQUEST_TTL)
  local ver = redis.call('INCR', P .. 'seq')
  local tv = string.sub(req, 1, 2) .. ver .. ',' .. since .. string.sub(req, 3)
  if pick then
    return { 'matched', sid, '1', write_session(sid, uid, tv, since, pick.id, pick.v, pick.since, pick.score) }
  end
  if queued then
    local old = queued
    if string.sub(old, 1, 1) ~= string.sub(tv, 1, 1) then
      redis.call('HINCRBY', P .. 'moods', string.sub(old, 1, 1), -1)
      redis.call('HINCRBY', P .. 'moods', string.sub(tv, 1, 1), 1)
    end
  else
    redis.call('ZADD', P .. 'q', NOW * SCALE + (ver % SCALE), uid)
    redis.call('HINCRBY', P .. 'moods', string.sub(tv, 1, 1), 1)
  end
  redis.call('HSETNX', P .. 'tix', PAD_FIELD, PAD)
  redis.call('HSET', P .. 'tix', uid, tv)
  return position_of(uid)
end
`;

/** enqueue(uid, request, newSessionId) */
export const ENQUEUE = String.raw`${LIBRARY}
return enqueue(ARGV[9], ARGV[10], ARGV[11])`;

/**
 * commit(a, versionA, b, versionB, sessionId): the pair commit for a pair chosen in Node (sweep).
 * Replaying it with the same session id returns the existing session and writes nothing.
 */
export const COMMIT = String.raw`${LIBRARY}
local a, va, b, vb, sid = ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13]
local s = P .. 's:' .. sid
if redis.call('EXISTS', s) == 1 then return { 'exists', redis.call('HGETALL', s) } end
if a == b then return { 'conflict', 'self' } end
local av = redis.call('HGET', P .. 'tix', a)
local bv = redis.call('HGET', P .. 'tix', b)
if not av or not bv then return { 'conflict', 'gone' } end
if ticket_version(av) ~= va or ticket_version(bv) ~= vb then return { 'conflict', 'changed' } end
if redis.call('HEXISTS', P .. 'cur', a) == 1 or redis.call('HEXISTS', P .. 'cur', b) == 1 then
  return { 'conflict', 'in_session' }
end
if redis.call('SISMEMBER', P .. 'x:' .. a, b) == 1 or redis.call('SISMEMBER', P .. 'x:' .. b, a) == 1 then
  return { 'conflict', 'excluded' }
end
local ra = redis.call('ZSCORE', P .. 'r:' .. a, b)
local rb = redis.call('ZSCORE', P .. 'r:' .. b, a)
if (ra and NOW - tonumber(ra) < REMATCH) or (rb and NOW - tonumber(rb) < REMATCH) then
  return { 'conflict', 'recent' }
end
local asince = ticket_since(av)
local bsince = ticket_since(bv)
local am, bm = string.byte(av, 1) - 48, string.byte(bv, 1) - 48
if not mood_ok(am, string.byte(av, 2) - 48, NOW - asince, bm, string.byte(bv, 2) - 48, NOW - bsince) then
  return { 'conflict', 'mood' }
end
local score = pair_score(am, bm, #common_of(ticket_interests(av), ticket_interests(bv)))
return { 'created', write_session(sid, a, av, asince, b, bv, bsince, score) }`;

/** end(sessionId, reason, endedBy) → the ended session's fields, or nil when not live. */
export const END = String.raw`${LIBRARY}
return end_session(ARGV[9], ARGV[10], ARGV[11])`;

/**
 * skip(uid, newSessionId): end the current session (reason skip), count the skip, start or
 * escalate a cooldown when it crosses the free allowance, otherwise re-enqueue — all atomic.
 */
export const SKIP = String.raw`${LIBRARY}
local uid, sid = ARGV[9], ARGV[10]
local cu = cooldown_until(uid)
if cu then return { 'cooldown', cu, false } end
local cur = redis.call('HGET', P .. 'cur', uid)
if not cur then return { 'not_in_session' } end
local ended = end_session(cur, 'skip', uid)
local sk = P .. 'sk:' .. uid
redis.call('ZREMRANGEBYSCORE', sk, '-inf', NOW - SKIP_WINDOW)
redis.call('ZADD', sk, NOW, NOW .. ':' .. redis.call('INCR', P .. 'seq'))
redis.call('PEXPIRE', sk, SKIP_WINDOW)
if redis.call('ZCARD', sk) > SKIP_FREE then
  local level = cooldown_record(uid)
  level = math.min(level + 1, #STEPS)
  local untl = NOW + STEPS[level]
  redis.call('HSET', P .. 'cd', uid, level .. ',' .. untl)
  redis.call('DEL', sk)
  return { 'cooldown', untl, ended }
end
local req = redis.call('GET', P .. 'l:' .. uid)
if not req then req = '41\30\30{"nickname":"stranger","avatar":null}' end
return { 'skipped', ended, enqueue(uid, req, sid) }`;

/** activate(sessionId) → fields, or nil when not live. Idempotent. */
export const ACTIVATE = String.raw`${LIBRARY}
local s = P .. 's:' .. ARGV[9]
if redis.call('EXISTS', s) == 0 or redis.call('HEXISTS', s, 'e') == 1 then return false end
redis.call('HSETNX', s, 'act', NOW)
return redis.call('HGETALL', s)`;

/** cancel(uid) → 1 when a ticket was removed. */
export const CANCEL = String.raw`${LIBRARY}
if remove_ticket(ARGV[9]) then return 1 end
return 0`;

/**
 * expireUser(uid, cutoff): only if the user's last presence is still ≤ cutoff, drop their ticket
 * and time out their session. → { droppedFlag, endedFields|nil }
 */
export const EXPIRE_USER = String.raw`${LIBRARY}
local uid, cutoff = ARGV[9], tonumber(ARGV[10])
local seen = redis.call('ZSCORE', P .. 'pres', uid)
if not seen or tonumber(seen) > cutoff then return { 0, false } end
local dropped = 0
if remove_ticket(uid) then dropped = 1 end
local ended = false
local cur = redis.call('HGET', P .. 'cur', uid)
if cur then ended = end_session(cur, 'timeout', '') end
redis.call('ZREM', P .. 'pres', uid)
return { dropped, ended }`;

/** prime(uid, nExcluded, excluded..., recentUser, recentAt, ...) → 1, or 0 when already primed. */
export const PRIME = String.raw`${LIBRARY}
local uid = ARGV[9]
if not redis.call('SET', P .. 'pr:' .. uid, '1', 'NX') then return 0 end
local n = tonumber(ARGV[10])
local i = 11
for _ = 1, n do
  local o = ARGV[i]; i = i + 1
  redis.call('SADD', P .. 'x:' .. uid, o)
  redis.call('SADD', P .. 'x:' .. o, uid)
end
while i <= #ARGV do
  local o, at = ARGV[i], ARGV[i + 1]; i = i + 2
  for _, pair in ipairs({ { uid, o }, { o, uid } }) do
    local r = P .. 'r:' .. pair[1]
    redis.call('ZADD', r, 'GT', at, pair[2])
    if redis.call('PTTL', r) < REMATCH then redis.call('PEXPIRE', r, REMATCH) end
  end
end
return 1`;

/** window() → the candidate window's user ids in FIFO order (sweep reads it). */
export const WINDOW = String.raw`${LIBRARY}
return window_entries()`;
