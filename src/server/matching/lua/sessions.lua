-- Sessions: the pair write, the end, the enqueue and the sweep's pair commit. Every operation
-- checks all it relies on before it records a write, so one that is refused changes nothing.

-- an ended session's record is kept this long (ms), so replays of its calls still find it
local ENDED_TTL = 3600000

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
-- av/bv carry the preferences; kind is '' for a match (its waits are sampled) or
-- SESSION_KIND_FRIEND. Returns the session's value.
local function write_session(sid, a, av, a_stored, b, bv, b_stored, score, kind)
  local common = common_of(ticket_interests(av), ticket_interests(bv))
  if a_stored then remove_ticket(a) end
  if b_stored then remove_ticket(b) end
  local aw, bw = int(NOW - ticket_since(av)), int(NOW - ticket_since(bv))
  local v = table.concat({ sid, a, b, NOW_S, '', '', '', '', string.sub(av, 1, 1), string.sub(bv, 1, 1),
    aw, bw, score, table.concat(common, '\31'),
    profile_of(av), profile_of(bv), kind, ticket_request(av), ticket_request(bv), '', '' }, '\29')
  sset(P .. 's:' .. sid, v)
  STAMPED = true
  hset(K_CUR, a, sid)
  hset(K_CUR, b, sid)
  zadd(K_LIVE, NOW, sid)
  zadd_gt(K_BAR, NOW, pair_key(a, b))
  zadd(P .. 'ann:s', NOW, sid)
  if kind == '' then
    PUSHES[#PUSHES + 1] = aw
    PUSHES[#PUSHES + 1] = bw
  end
  return v
end

-- a session value's fields in SESSION_FIELDS order (missing trailing ones read as '')
local function session_fields(v)
  local f = {}
  for part in string.gmatch(v .. '\29', '([^\29]*)\29') do f[#f + 1] = part end
  for i = #f + 1, SESSION_FIELD_COUNT do f[i] = '' end
  return f
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
  if resets_cooldown_level(start) then
    clear_cooldown_level(a)
    clear_cooldown_level(b)
  elseif end_counts_as_skip(reason, by, start) and count_skip(by) then
    escalate_cooldown(by)
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
  local sk = seeker_of_ticket(uid, req, since)
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
    return { 'matched', sid, '1', write_session(sid, uid, tv, queued, pick.id, pick.v, pick.v, pick.score, ''), stale or {} }
  end
  local ver = next_seq()
  local tv = ticket_of(req, ver, since)
  if queued then
    if string.sub(queued, 1, 1) ~= string.sub(tv, 1, 1) then
      hincr(K_MOODS, string.sub(queued, 1, 1), -1)
      hincr(K_MOODS, string.sub(tv, 1, 1), 1)
    end
  else
    zadd(K_Q, NOW * QUEUE_SCORE_SCALE + (ver % QUEUE_SCORE_SCALE), uid)
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
  local score = score_for(seeker_of_ticket(a, av, ticket_since(av)), bv)
  if not score then return { 'conflict', 'rules' } end
  return { 'created', write_session(sid, a, av, av, b, bv, bv, score, '') }
end
