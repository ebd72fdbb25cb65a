/**
 * Lua for the Redis driver. Every script gets KEYS[1] = the namespace prefix `mm:{<ns>}:` and
 * derives its keys from it, so all of them hash to the namespace's one Cluster slot. ARGV[1..8]
 * are the clock and the config (see redis-store.ts `header`); ARGV[9..] are per script.
 * Each redis.call costs ~1–2 µs here, so the hot scripts are written to make as few as they can
 * (multi-field HDEL/ZREM/HMGET, replies built from what was written instead of re-read).
 *
 * Rules mirrored from select.ts: window = whole queue if ≤ W else oldest ⌈W/2⌉ + newest ⌊W/2⌋;
 * both sides must accept the mood; score = common interests + 0.5 for the same non-random mood;
 * ties to the earliest enqueued. Every script validates all it relies on before its first write.
 *
 * Encodings (chosen so the candidate scan needs no JSON):
 *   request            = <moodDigit><modeDigit>\30<interests, each followed by \31, led by \31>\30<profile JSON>
 *                        (kept on the session as aq/bq: skip re-queues with it)
 *   ticket   tix[uid]  = <moodDigit><modeDigit><version>,<since>\30<interests>\30<profile JSON>
 *   met      ZSET      = member <lower id>\31<higher id>, score = when the pair met (one lookup per pair)
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
-- every write that records a time moves the clock (only when it advances: one SET per ms at most)
local function advance_clock()
  if NOW > LAST then
    redis.call('SET', P .. 'clock', NOW)
    LAST = NOW
  end
end
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
local WAITS_KEPT = 100

local PAD_FIELD = '~pad~'
local function ticket_version(v) return string.match(v, '^%d%d(%d+)') end
local function ticket_since(v) return tonumber(string.match(v, '^%d%d%d+,(%d+)')) end
-- a ticket from a request: its version and since go after the two preference digits
local function ticket_of(req, ver, since) return string.sub(req, 1, 2) .. ver .. ',' .. since .. string.sub(req, 3) end
local function ticket_interests(v) return string.match(v, '^[^\30]*\30([^\30]*)') end
-- the request a ticket was built from (the ticket minus its version and since)
local function ticket_request(v) return string.sub(v, 1, 2) .. string.match(v, '^%d%d%d+,%d+(\30.*)$') end
-- recent pairs live in one sorted set, member = both ids in order, score = when they met
local function pair_key(a, b)
  if a < b then return a .. '\31' .. b end
  return b .. '\31' .. a
end
local function met_recently(a, b)
  local at = redis.call('ZSCORE', P .. 'met', pair_key(a, b))
  return at ~= false and NOW - tonumber(at) < REMATCH
end

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

-- The seeker's side of every candidate test. Exclusions and recent pairs are looked up lazily,
-- only for a candidate that would become the best so far: a handful of lookups per scan instead
-- of bulk reads for the whole window.
local function seeker_of(uid, sm, sd, since, ints)
  local needles = {}
  for it in string.gmatch(ints, '[^\31]+') do needles[#needles + 1] = '\31' .. it .. '\31' end
  return {
    uid = uid, sm = sm, needles = needles, ceiling = pair_score(sm, sm, #needles),
    relaxed = sd == 1 or NOW - since >= RELAX, xkey = P .. 'x:' .. uid,
  }
end

local byte, find = string.byte, string.find

-- the pair's score when the mood rule allows it (both sides accept), else nil. The hot path: a
-- candidate costs a few byte reads plus one plain find per seeker interest (tickets wrap their
-- interests in \31 so '\31name\31' can only hit the interest field).
local function score_for(sk, v)
  local sm, cm = sk.sm, byte(v, 1) - 48
  local ok = sm == cm or sm == RANDOM or cm == RANDOM
  if not ok then ok = sk.relaxed and (byte(v, 2) == 49 or NOW - ticket_since(v) >= RELAX) end
  if not ok then return nil end
  local score = 0
  if sm == cm and sm ~= RANDOM then score = BONUS end
  local needles = sk.needles
  for j = 1, #needles do
    if find(v, needles[j], 1, true) then score = score + 1 end
  end
  return score
end

local function allowed(sk, id)
  return redis.call('SISMEMBER', sk.xkey, id) == 0 and not met_recently(sk.uid, id)
end

-- the best of ids/vals (FIFO order) that beats best; ties keep the earlier one
local function scan(sk, ids, vals, best)
  if best and best.score >= sk.ceiling then return best end
  for i = 1, #ids do
    local v, id = vals[i], ids[i]
    if v and id ~= sk.uid then
      local score = score_for(sk, v)
      if score and (best == nil or score > best.score) and allowed(sk, id) then
        best = { id = id, v = v, score = score }
        if score >= sk.ceiling then break end
      end
    end
  end
  return best
end

-- best partner over the whole window (skip's re-queue, which has no ranked list)
local function select_in_window(sk)
  local ids = window_entries()
  if #ids == 0 then return nil end
  return scan(sk, ids, redis.call('HMGET', P .. 'tix', unpack(ids)), nil)
end

-- The enqueue fast path. Node ranked the candidates of its window snapshot (ids with the ticket
-- versions it saw, best first); the first one whose ticket is unchanged and that passes every
-- rule wins. Tickets that arrived after the snapshot (queue score > unseen_after) are still
-- candidates: the newest few are scanned here, so two users arriving at once on two instances
-- always find each other. Returns the pick (or nil) and the listed ids found gone or changed.
local function select_listed(sk, listed, unseen_after)
  local best
  local stale = {}
  local tix = P .. 'tix'
  for k = 1, #listed, 2 do
    local id = listed[k]
    local v = redis.call('HGET', tix, id)
    if v and ticket_version(v) == listed[k + 1] then
      if id ~= sk.uid then
        local score = score_for(sk, v)
        if score and allowed(sk, id) then
          best = { id = id, v = v, score = score }
          break
        end
      end
    else
      stale[#stale + 1] = id
    end
  end
  if best == nil or best.score < sk.ceiling then
    -- the newest few; never more than the window's newest part, so they are inside the window
    local limit = math.min(8, WINDOW - math.ceil(WINDOW / 2))
    if limit > 0 then
      local fresh = redis.call('ZREVRANGEBYSCORE', P .. 'q', '+inf', '(' .. unseen_after, 'LIMIT', 0, limit)
      if #fresh > 0 then
        -- oldest first, so ties keep FIFO order
        local ids = {}
        for i = #fresh, 1, -1 do ids[#ids + 1] = fresh[i] end
        best = scan(sk, ids, redis.call('HMGET', tix, unpack(ids)), best)
      end
    end
  end
  return best, stale
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

-- The pair write: the stored tickets (a_stored/b_stored: the values in tix, or nil for a seeker
-- who was not waiting) go, the session and both pointers appear, the pair is remembered.
-- av/bv carry the preferences. Returns the session's fields as HGETALL would.
local function write_session(sid, a, av, a_stored, b, bv, b_stored, score)
  local common = common_of(ticket_interests(av), ticket_interests(bv))
  local gone = {}
  for _, t in ipairs({ { a, a_stored }, { b, b_stored } }) do
    if t[2] then
      gone[#gone + 1] = t[1]
      redis.call('HINCRBY', P .. 'moods', string.sub(t[2], 1, 1), -1)
    end
  end
  if #gone > 0 then
    redis.call('HDEL', P .. 'tix', unpack(gone))
    redis.call('ZREM', P .. 'q', unpack(gone))
  end
  advance_clock()
  local aw, bw = NOW - ticket_since(av), NOW - ticket_since(bv)
  local f = { 'id', sid, 'a', a, 'b', b, 'am', string.sub(av, 1, 1), 'bm', string.sub(bv, 1, 1),
    'ap', profile_of(av), 'bp', profile_of(bv), 'ci', table.concat(common, '\31'), 'sc', tostring(score),
    'c', tostring(NOW), 'aw', tostring(aw), 'bw', tostring(bw), 'aq', ticket_request(av), 'bq', ticket_request(bv) }
  redis.call('HSET', P .. 's:' .. sid, unpack(f))
  redis.call('HSET', P .. 'cur', a, sid, b, sid)
  redis.call('ZADD', P .. 'live', NOW, sid)
  redis.call('ZADD', P .. 'met', NOW, pair_key(a, b))
  redis.call('ZADD', P .. 'ann:s', NOW, sid)
  if redis.call('LPUSH', P .. 'waits', aw, bw) > 2 * WAITS_KEPT then redis.call('LTRIM', P .. 'waits', 0, WAITS_KEPT - 1) end
  return f
end

-- → the ended session's fields as HGETALL would give them plus a field map, or false when the
-- session is not live
local function end_session(sid, reason, by)
  local s = P .. 's:' .. sid
  local f = redis.call('HGETALL', s)
  local m = {}
  for i = 1, #f, 2 do m[f[i]] = f[i + 1] end
  if not m.a or m.e then return false end
  local start = tonumber(m.act or m.c)
  advance_clock()
  redis.call('HSET', s, 'e', NOW, 'rs', reason, 'by', by)
  redis.call('ZREM', P .. 'live', sid)
  local ptr = redis.call('HMGET', P .. 'cur', m.a, m.b)
  local drop = {}
  if ptr[1] == sid then drop[#drop + 1] = m.a end
  if ptr[2] == sid then drop[#drop + 1] = m.b end
  if #drop > 0 then redis.call('HDEL', P .. 'cur', unpack(drop)) end
  if NOW - start >= RESET_AFTER then
    reset_level(m.a)
    reset_level(m.b)
  end
  redis.call('PEXPIRE', s, ENDED_TTL)
  redis.call('ZADD', P .. 'ann:e', NOW, sid)
  for _, kv in ipairs({ { 'e', tostring(NOW) }, { 'rs', reason }, { 'by', by } }) do
    f[#f + 1] = kv[1]
    f[#f + 1] = kv[2]
  end
  return f, m
end

local function position_of(uid)
  return { 'waiting', redis.call('ZRANK', P .. 'q', uid) + 1, redis.call('ZCARD', P .. 'q') }
end

-- enqueue or update (keeping the place), then match at once if anyone fits. listed and
-- unseen_after come from Node's ranking (select_listed); without them the whole window is
-- scanned here (select_in_window).
local function enqueue(uid, req, sid, listed, unseen_after)
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
  local sk = seeker_of(uid, byte(req, 1) - 48, byte(req, 2) - 48, since, string.match(req, '^%d%d\30([^\30]*)'))
  local pick, stale
  if listed then pick, stale = select_listed(sk, listed, unseen_after)
  else pick = select_in_window(sk) end
  -- all reads are done: writes from here on
  redis.call('ZADD', P .. 'pres', 'GT', NOW, uid)
  if pick then
    local tv = ticket_of(req, 0, since) -- never stored: it only carries the preferences
    return { 'matched', sid, '1', write_session(sid, uid, tv, queued, pick.id, pick.v, pick.v, pick.score), stale }
  end
  local ver = redis.call('INCR', P .. 'seq')
  local tv = ticket_of(req, ver, since)
  local score
  if queued then
    local old = queued
    if string.sub(old, 1, 1) ~= string.sub(tv, 1, 1) then
      redis.call('HINCRBY', P .. 'moods', string.sub(old, 1, 1), -1)
      redis.call('HINCRBY', P .. 'moods', string.sub(tv, 1, 1), 1)
    end
    score = redis.call('ZSCORE', P .. 'q', uid)
  else
    score = NOW * SCALE + (ver % SCALE)
    redis.call('ZADD', P .. 'q', score, uid)
    redis.call('HINCRBY', P .. 'moods', string.sub(tv, 1, 1), 1)
  end
  -- the pad only has to exist once per hash (it never leaves); re-assert it now and then
  if ver % 64 == 1 then redis.call('HSETNX', P .. 'tix', PAD_FIELD, string.rep('-', 80)) end
  redis.call('HSET', P .. 'tix', uid, tv)
  local pos = position_of(uid)
  -- what Node needs to add this ticket to its window snapshot
  pos[4] = tostring(ver); pos[5] = tostring(since); pos[6] = tostring(score); pos[7] = stale
  return pos
end
`;

/**
 * enqueue(uid, request, newSessionId, unseenAfter, candidate, version, candidate, version, …):
 * the candidates are Node's ranking of its window snapshot, best first (see select_listed).
 */
export const ENQUEUE = String.raw`${LIBRARY}
local listed = {}
for i = 13, #ARGV do listed[#listed + 1] = ARGV[i] end
return enqueue(ARGV[9], ARGV[10], ARGV[11], listed, ARGV[12])`;

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
if met_recently(a, b) then return { 'conflict', 'recent' } end
-- the same mood rule and score as an enqueue's, from a's side
local score = score_for(seeker_of(a, byte(av, 1) - 48, byte(av, 2) - 48, ticket_since(av), ticket_interests(av)), bv)
if not score then return { 'conflict', 'mood' } end
return { 'created', write_session(sid, a, av, av, b, bv, bv, score) }`;

/** end(sessionId, reason, endedBy) → the ended session's fields, or nil when not live. */
export const END = String.raw`${LIBRARY}
local ended = end_session(ARGV[9], ARGV[10], ARGV[11])
return ended`;

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
local ended, fields = end_session(cur, 'skip', uid)
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
-- re-queue with the request this user was matched with (kept on the session)
fields = fields or {}
local req = fields.a == uid and fields.aq or fields.bq
if not req then req = '41\30\30{"nickname":"stranger","avatar":null}' end
return { 'skipped', ended, enqueue(uid, req, sid, nil, nil) }`;

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
  redis.call('ZADD', P .. 'met', 'GT', ARGV[i + 1], pair_key(uid, ARGV[i]))
  i = i + 2
end
return 1`;

/**
 * window() → { newest queue score, ids…, tickets… }: the candidate window in FIFO order with its
 * tickets, in one round trip (Node's window snapshot and the sweep read it).
 */
export const WINDOW = String.raw`${LIBRARY}
local ids = window_entries()
local newest = redis.call('ZRANGE', P .. 'q', -1, -1, 'WITHSCORES')
local out = { newest[2] or '-inf' }
if #ids == 0 then return out end
local vals = redis.call('HMGET', P .. 'tix', unpack(ids))
for i = 1, #ids do out[#out + 1] = ids[i] end
for i = 1, #ids do out[#out + 1] = vals[i] or '' end
return out`;
