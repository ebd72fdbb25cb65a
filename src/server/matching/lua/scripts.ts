import { createHash } from "node:crypto";

/**
 * Lua for the Redis driver: one function library (MATCH_LIBRARY, loaded with FUNCTION LOAD, so
 * its top level runs once, not per call). Every function gets KEYS[1] = the namespace prefix
 * `mm:{<ns>}:` and derives its keys from it, so all of them hash to the namespace's one Cluster
 * slot. ARGV[1..8] are the clock and the config (see redis-store.ts `functionHeader`); ARGV[9..] are per
 * function.
 *
 * Group commit: enqueues and ends travel in `batch` calls (group-commit.ts), and every function
 * works on a read cache with buffered writes (the "state" section below): the operations of a
 * batch run one after another, each seeing the ones before it, and the writes go out at the end
 * as one multi-member command per key. A redis.call costs 1–5 µs under load here, so this is
 * where the time goes; see instructions/matching.md for the figures.
 *
 * Rules mirrored from select.ts: window = whole queue if ≤ W else oldest ⌈W/2⌉ + newest ⌊W/2⌋;
 * both sides must accept the mood; score = common interests + 0.5 for the same non-random mood;
 * ties to the earliest enqueued. Every operation validates all it relies on before it records a
 * write, so an operation that is refused changes nothing.
 *
 * Encodings (chosen so the candidate scan needs no JSON):
 *   request            = <moodDigit><modeDigit>\30<interests, each followed by \31, led by \31>\30<profile JSON>
 *                        (kept on the session as aq/bq: skip re-queues with it)
 *   ticket   tix[uid]  = <moodDigit><modeDigit><version>,<since>\30<interests>\30<profile JSON>
 *   bar      ZSET      = pairs that may not be matched: member <lower id>\31<higher id>, score =
 *                        when the pair met (barred for the rematch window) or +inf (excluded:
 *                        block/report). One lookup answers both rules, both ways.
 *   (since lives in the ticket: ZRANGE WITHSCORES costs ~10x more than plain ZRANGE; `tix` holds a
 *   long pad field so it is never a listpack, whose HMGET is O(n) per field)
 *   queue    q         = score since*1024 + version%1024 (FIFO inside one millisecond)
 *   session  s:<sid>   = STRING, its fields joined by \29 in SESSION_FIELDS order (redis-codec.ts):
 *                        id a b c act e rs by am bm aw bw sc ci ap bp aq bq (empty = not set). The
 *                        ones an end or an activation changes come first, so they rewrite the
 *                        head and keep the rest as it is; one value to write, read and reply.
 */

const LIBRARY = String.raw`
local SCALE = 1024
local RANDOM = 4
local BONUS = 0.5
local ENDED_TTL = 3600000
local WAITS_KEPT = 100
local FRESH_MAX = 8

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
  if #PUSHES > 0 and call('LPUSH', P .. 'waits', unpack(PUSHES)) > 2 * WAITS_KEPT then
    call('LTRIM', P .. 'waits', 0, WAITS_KEPT - 1)
  end
  if SEQ_DIRTY then call('SET', P .. 'seq', int(SEQ)) end
  -- the pad only has to exist once per hash (it never leaves); re-assert it now and then
  if PAD then call('HSETNX', K_TIX, '~pad~', string.rep('-', 80)) end
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

-- ---------------------------------------------------------------- tickets and rules
local function ticket_version(v) return string.match(v, '^%d%d(%d+)') end
local function ticket_since(v) return tonumber(string.match(v, '^%d%d%d+,(%d+)')) end
-- a ticket from a request: its version and since go after the two preference digits
local function ticket_of(req, ver, since) return string.sub(req, 1, 2) .. ver .. ',' .. since .. string.sub(req, 3) end
local function ticket_interests(v) return string.match(v, '^[^\30]*\30([^\30]*)') end
-- the request a ticket was built from (the ticket minus its version and since)
local function ticket_request(v) return string.sub(v, 1, 2) .. string.match(v, '^%d%d%d+,%d+(\30.*)$') end
local function profile_of(v) return string.match(v, '^[^\30]*\30[^\30]*\30(.*)$') end

local function pair_key(a, b)
  if a < b then return a .. '\31' .. b end
  return b .. '\31' .. a
end
-- excluded (score +inf) or met within the rematch window
local function barred(a, b)
  local at = zscore(K_BAR, pair_key(a, b))
  return at ~= nil and NOW - at < REMATCH
end

local function cooldown_record(uid)
  local c = hget(K_CD, uid)
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
  if untl > NOW then hset(K_CD, uid, '0,' .. untl)
  elseif level > 0 or untl > 0 then hdel(K_CD, uid) end
end

-- common interests in the seeker's order
local function common_of(seeker_ints, partner_ints)
  local theirs = {}
  for i in string.gmatch(partner_ints, '[^\31]+') do theirs[i] = true end
  local out = {}
  for i in string.gmatch(seeker_ints, '[^\31]+') do if theirs[i] then out[#out + 1] = i end end
  return out
end

local function pair_score(sm, cm, ncommon)
  if sm == cm and sm ~= RANDOM then return ncommon + BONUS end
  return ncommon
end

-- the queue's window in FIFO order (reads the stored order, so pending writes go first)
local function window_entries()
  flush()
  local n = call('ZCARD', K_Q)
  if n <= WINDOW then return call('ZRANGE', K_Q, 0, -1) end
  local head = math.ceil(WINDOW / 2)
  local tail = WINDOW - head
  local out = call('ZRANGE', K_Q, 0, head - 1)
  if tail > 0 then
    local last = call('ZRANGE', K_Q, -tail, -1)
    for i = 1, #last do out[#out + 1] = last[i] end
  end
  return out
end

-- The seeker's side of every candidate test.
local function seeker_of(uid, sm, sd, since, ints)
  local needles = {}
  for it in string.gmatch(ints, '[^\31]+') do needles[#needles + 1] = '\31' .. it .. '\31' end
  return { uid = uid, sm = sm, needles = needles, ceiling = pair_score(sm, sm, #needles), relaxed = sd == 1 or NOW - since >= RELAX }
end


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

-- the best of ids (FIFO order) that beats best; ties keep the earlier one. Tickets are looked
-- up lazily, exclusions and recent pairs only for a candidate that would become the best.
local function scan(sk, ids, best)
  if best and best.score >= sk.ceiling then return best end
  hprefetch(K_TIX, ids)
  for i = 1, #ids do
    local id = ids[i]
    local v = id ~= sk.uid and hget(K_TIX, id)
    if v then
      local score = score_for(sk, v)
      if score and (best == nil or score > best.score) and not barred(sk.uid, id) then
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
  return scan(sk, ids, nil)
end

-- queue members newer than unseen_after, newest first, at most limit: the stored ones (read once
-- per call and value of unseen_after) as this call has changed them, after its own additions
local function fresh_after(unseen_after, limit)
  local stored = FRESH[unseen_after]
  if not stored then
    stored = call('ZREVRANGEBYSCORE', K_Q, '+inf', '(' .. unseen_after, 'LIMIT', 0, limit + 16)
    FRESH[unseen_after] = stored
  end
  local q = tab(Z, K_Q)
  local out, added = {}, {}
  for i = #Q_ADDED, 1, -1 do
    local m = Q_ADDED[i]
    if not added[m] and q[m] then added[m] = true; out[#out + 1] = m end
  end
  for i = 1, #stored do
    local m = stored[i]
    if not added[m] and q[m] ~= false then out[#out + 1] = m end
  end
  while #out > limit do out[#out] = nil end
  return out
end

-- The enqueue fast path. Node ranked the candidates of its window snapshot (ids with the ticket
-- versions it saw, best first); the first one whose ticket is unchanged and that passes every
-- rule wins. When Node ranked nobody, tickets that arrived after the snapshot (queue score >
-- unseen_after) are still candidates: the newest few are scanned here, so two users arriving at
-- once on two instances find each other. Returns the pick (or nil) and the listed ids found gone
-- or changed.
local function select_listed(sk, listed, unseen_after)
  local best
  local stale = {}
  for k = 1, #listed, 2 do
    local id = listed[k]
    local v = hget(K_TIX, id)
    if v and ticket_version(v) == listed[k + 1] then
      if id ~= sk.uid then
        local score = score_for(sk, v)
        if score and not barred(sk.uid, id) then
          best = { id = id, v = v, score = score }
          break
        end
      end
    else
      stale[#stale + 1] = id
    end
  end
  if best == nil and #listed == 0 then
    -- Node's copy had nobody for this seeker: the newest few arrivals since, which it could not
    -- see (two users arriving at once on two instances find each other this way); never more
    -- than the window's newest part, so they are inside the window. Not when Node did rank
    -- candidates and all were refused here (taken meanwhile, or barred by a pair rule only
    -- Redis knows): the queue is busy then or the seeker is picky, the ticket is in every
    -- instance's copy within windowMaxAgeMs, and the sweep pairs what is left. Scanning there
    -- cost ~15 % of the store's Redis CPU under load (instructions/matching.md). (When a ranked
    -- one fits it is taken: it was the best of a window read at most a few ms ago.)
    local limit = math.min(FRESH_MAX, WINDOW - math.ceil(WINDOW / 2))
    if limit > 0 then
      local fresh = fresh_after(unseen_after, limit)
      if #fresh > 0 then
        -- oldest first, so ties keep FIFO order
        local ids = {}
        for i = #fresh, 1, -1 do ids[#ids + 1] = fresh[i] end
        best = scan(sk, ids, best)
      end
    end
  end
  return best, stale
end

local function remove_ticket(uid)
  local v = hget(K_TIX, uid)
  if not v then return false end
  hdel(K_TIX, uid)
  zrem(K_Q, uid)
  hincr(K_MOODS, string.sub(v, 1, 1), -1)
  return true
end

-- The pair write: the stored tickets (a_stored/b_stored: the values in tix, or nil for a seeker
-- who was not waiting) go, the session and both pointers appear, the pair is remembered.
-- av/bv carry the preferences. Returns the session's value.
local function write_session(sid, a, av, a_stored, b, bv, b_stored, score)
  local common = common_of(ticket_interests(av), ticket_interests(bv))
  if a_stored then remove_ticket(a) end
  if b_stored then remove_ticket(b) end
  local aw, bw = int(NOW - ticket_since(av)), int(NOW - ticket_since(bv))
  local v = table.concat({ sid, a, b, NOW_S, '', '', '', '', string.sub(av, 1, 1), string.sub(bv, 1, 1),
    aw, bw, score, table.concat(common, '\31'),
    profile_of(av), profile_of(bv), ticket_request(av), ticket_request(bv) }, '\29')
  sset(P .. 's:' .. sid, v)
  STAMPED = true
  hset(K_CUR, a, sid)
  hset(K_CUR, b, sid)
  zadd(K_LIVE, NOW, sid)
  zadd_gt(K_BAR, NOW, pair_key(a, b))
  zadd(P .. 'ann:s', NOW, sid)
  PUSHES[#PUSHES + 1] = aw
  PUSHES[#PUSHES + 1] = bw
  return v
end

-- a session's head: id, a, b, c, act, e, and everything after rs and by
local function session_head(v)
  return string.match(v, '^([^\29]*)\29([^\29]*)\29([^\29]*)\29([^\29]*)\29([^\29]*)\29([^\29]*)\29[^\29]*\29[^\29]*\29(.*)$')
end

-- → the ended session's value and its two users, or false when the session is not live
local function end_session(sid, reason, by)
  local s = P .. 's:' .. sid
  local v = sget(s)
  if not v then return false end
  local id, a, b, c, act, e, rest = session_head(v)
  if e ~= '' then return false end
  local start = tonumber(act ~= '' and act or c)
  local ended = table.concat({ id, a, b, c, act, NOW_S, reason, by, rest }, '\29')
  sset(s, ended, ENDED_TTL)
  STAMPED = true
  zrem(K_LIVE, sid)
  if hget(K_CUR, a) == sid then hdel(K_CUR, a) end
  if hget(K_CUR, b) == sid then hdel(K_CUR, b) end
  if NOW - start >= RESET_AFTER then
    reset_level(a)
    reset_level(b)
  end
  zadd(P .. 'ann:e', NOW, sid)
  return ended, a, b
end

-- enqueue or update (keeping the place), then match at once if anyone fits. listed and
-- unseen_after come from Node's ranking (select_listed); without them the whole window is
-- scanned here (select_in_window).
local function enqueue(uid, req, sid, listed, unseen_after)
  local cu = cooldown_until(uid)
  if cu then return { 'cooldown', cu } end
  local cur = hget(K_CUR, uid)
  if cur then
    -- a replay of the call that created it still reports created
    return { 'matched', cur, cur == sid and '1' or '0', sget(P .. 's:' .. cur) or false }
  end
  local queued = hget(K_TIX, uid)
  local since = NOW
  if queued then since = ticket_since(queued) end
  local sk = seeker_of(uid, byte(req, 1) - 48, byte(req, 2) - 48, since, string.match(req, '^%d%d\30([^\30]*)'))
  local pick, stale
  -- A session with this id exists but is not this user's current one: this call already ran
  -- (a client resent it after a lost reply) and that session has ended since. Its id must never
  -- name a second session, so this run only queues the user; the sweep finds them a partner.
  if sget(P .. 's:' .. sid) then pick, stale = nil, {}
  elseif listed then pick, stale = select_listed(sk, listed, unseen_after)
  else pick = select_in_window(sk) end
  -- all checks are done: writes from here on
  zadd_gt(K_PRES, NOW, uid)
  if pick then
    local tv = ticket_of(req, 0, since) -- never stored: it only carries the preferences
    return { 'matched', sid, '1', write_session(sid, uid, tv, queued, pick.id, pick.v, pick.v, pick.score), stale or {} }
  end
  local ver = next_seq()
  local tv = ticket_of(req, ver, since)
  if queued then
    if string.sub(queued, 1, 1) ~= string.sub(tv, 1, 1) then
      hincr(K_MOODS, string.sub(queued, 1, 1), -1)
      hincr(K_MOODS, string.sub(tv, 1, 1), 1)
    end
  else
    zadd(K_Q, NOW * SCALE + (ver % SCALE), uid)
    Q_ADDED[#Q_ADDED + 1] = uid
    hincr(K_MOODS, string.sub(tv, 1, 1), 1)
  end
  if ver % 64 == 1 then PAD = true end
  hset(K_TIX, uid, tv)
  -- position and count come after the flush; version and since let Node add the ticket to its
  -- window snapshot
  local reply = { 'waiting', 0, 0, int(ver), int(since), stale or {} }
  POSITIONS[#POSITIONS + 1] = { uid = uid, reply = reply }
  return reply
end

-- the pair commit for a pair chosen in Node (the sweep): both tickets unchanged, neither user
-- in a session, not barred, the mood rule from a's side; replay-safe by session id. (COMMIT has
-- read every pair's session id, tickets and pointers in bulk first.)
local function commit_pair(a, va, b, vb, sid)
  local existing = sget(P .. 's:' .. sid)
  if existing then return { 'exists', existing } end
  if a == b then return { 'conflict', 'self' } end
  local av, bv = hget(K_TIX, a), hget(K_TIX, b)
  if not av or not bv then return { 'conflict', 'gone' } end
  if ticket_version(av) ~= va or ticket_version(bv) ~= vb then return { 'conflict', 'changed' } end
  if hget(K_CUR, a) or hget(K_CUR, b) then return { 'conflict', 'in_session' } end
  local at = zscore(K_BAR, pair_key(a, b))
  if at == math.huge then return { 'conflict', 'excluded' } end
  if barred(a, b) then return { 'conflict', 'recent' } end
  local score = score_for(seeker_of(a, byte(av, 1) - 48, byte(av, 2) - 48, ticket_since(av), ticket_interests(av)), bv)
  if not score then return { 'conflict', 'mood' } end
  return { 'created', write_session(sid, a, av, av, b, bv, bv, score) }
end
`;

/**
 * batch(op…): the enqueues and ends of one event-loop turn, run in order, each seeing the ones
 * before it; one reply per op. An op is
 *   'E', uid, request, newSessionId, unseenAfter, n, (candidate, version) × n   — an enqueue; the
 *        candidates are Node's ranking of its window snapshot, best first (see select_listed)
 *   'X', sessionId, reason, endedBy                                           — an end
 * An enqueue replies {matched, sessionId, created, session} | {waiting, position, count,
 * version, since, stale ids} | {cooldown, until}; an end with the ended session, or nil when it
 * was not live (sessions as stored: see the encodings above).
 */
const BATCH = String.raw`-- read what every enqueue needs in a few bulk commands first
local ops, users, tickets, pair_keys, sessions, ended = {}, {}, {}, {}, {}, {}
local i = 9
while i <= #ARGV do
  if ARGV[i] == 'E' then
    local n = tonumber(ARGV[i + 5])
    local listed = {}
    for j = i + 6, i + 5 + 2 * n do listed[#listed + 1] = ARGV[j] end
    local uid = ARGV[i + 1]
    ops[#ops + 1] = { uid = uid, req = ARGV[i + 2], sid = ARGV[i + 3], unseen_after = ARGV[i + 4], listed = listed }
    users[#users + 1] = uid
    sessions[#sessions + 1] = P .. 's:' .. ARGV[i + 3]
    tickets[#tickets + 1] = uid
    -- the first choice nearly always wins: its ticket and pair lookup go in the bulk reads
    if listed[1] then
      tickets[#tickets + 1] = listed[1]
      pair_keys[#pair_keys + 1] = pair_key(uid, listed[1])
    end
    i = i + 6 + 2 * n
  else
    ops[#ops + 1] = { sid = ARGV[i + 1], reason = ARGV[i + 2], by = ARGV[i + 3] }
    ended[#ended + 1] = P .. 's:' .. ARGV[i + 1]
    i = i + 4
  end
end
-- the sessions the ends name, and their users' pointers
if #ended > 0 then
  sprefetch(ended)
  local members = {}
  for k = 1, #ended do
    local v = S[ended[k]]
    if v then
      local a, b = string.match(v, '^[^\29]*\29([^\29]*)\29([^\29]*)')
      members[#members + 1] = a
      members[#members + 1] = b
    end
  end
  if #members > 0 then hprefetch(K_CUR, members) end
end
if #users > 0 then
  hprefetch(K_CD, users)
  hprefetch(K_CUR, users)
  hprefetch(K_TIX, tickets)
  sprefetch(sessions)
end
if #pair_keys > 0 then zprefetch(K_BAR, pair_keys) end
local out = {}
for k = 1, #ops do
  local op = ops[k]
  if op.uid then out[k] = enqueue(op.uid, op.req, op.sid, op.listed, op.unseen_after)
  else out[k] = end_session(op.sid, op.reason, op.by) end
end
return finish(out)`;

/**
 * commit((a, versionA, b, versionB, sessionId) × n): the sweep's pair commits, in order, each
 * seeing the ones before it; one reply per pair. Replaying a pair with the same session id
 * returns the existing session and writes nothing. One call for all of a sweep's pairs: a
 * function call's own cost is several times a refused commit's, and a burst of separate calls
 * held up every other instance's batch behind it.
 */
const COMMIT = String.raw`local users, sessions = {}, {}
for i = 9, #ARGV, 5 do
  users[#users + 1] = ARGV[i]
  users[#users + 1] = ARGV[i + 2]
  sessions[#sessions + 1] = P .. 's:' .. ARGV[i + 4]
end
if #users > 0 then
  sprefetch(sessions)
  hprefetch(K_TIX, users)
  hprefetch(K_CUR, users)
end
local out = {}
for i = 9, #ARGV, 5 do
  out[#out + 1] = commit_pair(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])
end
return finish(out)`;

/**
 * skip(uid, newSessionId): end the current session (reason skip), count the skip, start or
 * escalate a cooldown when it crosses the free allowance, otherwise re-enqueue — all atomic.
 */
const SKIP = String.raw`local uid, sid = ARGV[9], ARGV[10]
local cu = cooldown_until(uid)
if cu then return { 'cooldown', cu, false } end
local cur = hget(K_CUR, uid)
-- cur == sid: this call already ran (resent after a lost reply) and its re-queue made that
-- session; skipping it too would end a conversation nobody asked to leave
if not cur or cur == sid then return { 'not_in_session' } end
local ended = end_session(cur, 'skip', uid)
local sk = P .. 'sk:' .. uid
call('ZREMRANGEBYSCORE', sk, '-inf', int(NOW - SKIP_WINDOW))
call('ZADD', sk, NOW_S, NOW_S .. ':' .. int(next_seq()))
call('PEXPIRE', sk, int(SKIP_WINDOW))
if call('ZCARD', sk) > SKIP_FREE then
  local level = cooldown_record(uid)
  level = math.min(level + 1, #STEPS)
  local untl = NOW + STEPS[level]
  hset(K_CD, uid, level .. ',' .. untl)
  call('DEL', sk)
  return finish({ 'cooldown', untl, ended })
end
-- re-queue with the request this user was matched with (kept on the session: aq, bq come last)
local req
if ended then
  local a = string.match(ended, '^[^\29]*\29([^\29]*)')
  local aq, bq = string.match(ended, '\29([^\29]*)\29([^\29]*)$')
  if a == uid then req = aq else req = bq end
end
if not req or req == '' then req = '41\30\30{"nickname":"stranger","avatar":null}' end
local requeue = enqueue(uid, req, sid, nil, nil)
return finish({ 'skipped', ended, requeue })`;

/** activate(sessionId) → fields, or nil when not live. Idempotent. */
const ACTIVATE = String.raw`local s = P .. 's:' .. ARGV[9]
local v = sget(s)
if not v then return false end
local id, a, b, c, act, e, rest = session_head(v)
if e ~= '' then return false end
if act == '' then
  v = table.concat({ id, a, b, c, NOW_S, '', '', '', rest }, '\29')
  sset(s, v)
end
return finish(v)`;

/** cancel(uid) → 1 when a ticket was removed. */
const CANCEL = String.raw`if remove_ticket(ARGV[9]) then return finish(1) end
return 0`;

/**
 * expireUser(uid, cutoff): only if the user's last presence is still ≤ cutoff, drop their ticket
 * and time out their session. → { droppedFlag, endedFields|nil }
 */
const EXPIRE_USER = String.raw`local uid, cutoff = ARGV[9], tonumber(ARGV[10])
local seen = zscore(K_PRES, uid)
if not seen or seen > cutoff then return { 0, false } end
local dropped = 0
if remove_ticket(uid) then dropped = 1 end
local ended = false
local cur = hget(K_CUR, uid)
if cur then ended = end_session(cur, 'timeout', '') end
zrem(K_PRES, uid)
return finish({ dropped, ended })`;

/**
 * prime(uid, nExcluded, excluded..., recentUser, recentAt, ...) → 1, or 0 when already primed.
 * Exclusions bar the pair for good (+inf); a recent meeting never lowers what is recorded.
 */
const PRIME = String.raw`local uid = ARGV[9]
if not call('SET', P .. 'pr:' .. uid, '1', 'NX') then return 0 end
local n = tonumber(ARGV[10])
local i = 11
for _ = 1, n do
  call('ZADD', K_BAR, 'inf', pair_key(uid, ARGV[i]))
  i = i + 1
end
while i <= #ARGV do
  call('ZADD', K_BAR, 'GT', ARGV[i + 1], pair_key(uid, ARGV[i]))
  i = i + 2
end
return 1`;

/**
 * window() → { newest queue score, ids…, tickets… }: the candidate window in FIFO order with its
 * tickets, in one round trip (Node's window snapshot and the sweep read it).
 */
const WINDOW = String.raw`local ids = window_entries()
local newest = call('ZRANGE', K_Q, -1, -1, 'WITHSCORES')
local out = { newest[2] or '-inf' }
if #ids == 0 then return out end
local vals = call('HMGET', K_TIX, unpack(ids))
for i = 1, #ids do out[#out + 1] = ids[i] end
for i = 1, #ids do out[#out + 1] = vals[i] or '' end
return out`;

const BODIES = {
  batch: BATCH,
  commit: COMMIT,
  skip: SKIP,
  activate: ACTIVATE,
  cancel: CANCEL,
  expireUser: EXPIRE_USER,
  prime: PRIME,
  window: WINDOW,
} as const;
export type MatchFunction = keyof typeof BODIES;
export const MATCH_FUNCTIONS = Object.keys(BODIES) as MatchFunction[];

// Each body runs as a registered function: KEYS/ARGV are its arguments and begin() resets the
// per-call state first.
const registrations = (library: string) =>
  Object.entries(BODIES)
    .map(([name, body]) => `redis.register_function('${library}_${name}', function(KEYS, ARGV)\nbegin(KEYS, ARGV)\n${body}\nend)`)
    .join("\n");

/** The library's name carries a hash of its code, so two versions of the app never call each other's. */
export const MATCH_LIBRARY_NAME = `mm_${createHash("sha1").update(LIBRARY + registrations("")).digest("hex").slice(0, 12)}`;

/** The code for FUNCTION LOAD (Redis ≥ 7.0). */
export const MATCH_LIBRARY = `#!lua name=${MATCH_LIBRARY_NAME}\n${LIBRARY}\n${registrations(MATCH_LIBRARY_NAME)}\n`;

export function functionName(name: MatchFunction): string {
  return `${MATCH_LIBRARY_NAME}_${name}`;
}
