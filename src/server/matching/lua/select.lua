-- Selection: the rules of select.ts (instructions/matching.md "Rules"), re-checked against the
-- live tickets. Window = the whole queue if <= W, else the oldest ceil(W/2) + the newest
-- floor(W/2); both sides must accept the mood; score = common interests + SAME_MOOD_BONUS for the
-- same non-random mood; ties to the earliest enqueued. Trust standing (standing.ts): low never
-- meets newcomer, and a pair across the low threshold ranks CROSS_STANDING_PENALTY lower.

-- unseen arrivals an enqueue scans when Node ranked nobody (select_listed)
local FRESH_MAX = 8
-- a ticket's mode digit as a byte ('0' is byte 48)
local ANY_MODE_BYTE = 48 + MODE_ANY
-- a ticket's standing digit as a byte
local LOW_BYTE = 48 + STANDING_LOW
local NEWCOMER_BYTE = 48 + STANDING_NEWCOMER

-- excluded (score +inf) or met within the rematch window
local function barred(a, b)
  local at = zscore(K_BAR, pair_key(a, b))
  return at ~= nil and NOW - at < REMATCH
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
  if sm == cm and sm ~= RANDOM_MOOD then return ncommon + SAME_MOOD_BONUS end
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

-- The seeker's side of every candidate test (st: its standing byte).
local function seeker_of(uid, sm, sd, st, since, ints)
  local needles = {}
  for it in string.gmatch(ints, '[^\31]+') do needles[#needles + 1] = '\31' .. it .. '\31' end
  return {
    uid = uid, sm = sm, needles = needles, ceiling = pair_score(sm, sm, #needles),
    relaxed = sd == MODE_ANY or NOW - since >= RELAX,
    low = st == LOW_BYTE, newcomer = st == NEWCOMER_BYTE,
  }
end

-- the seeker of a stored ticket or request (its digits first; interests after the first \30)
local function seeker_of_ticket(uid, v, since)
  return seeker_of(uid, byte(v, 1) - 48, byte(v, 2) - 48, byte(v, 3), since, ticket_interests(v))
end

-- the pair's score and rank when the mood and standing rules allow it (both sides accept), else
-- nil. The hot path: a candidate costs a few byte reads plus one plain find per seeker interest
-- (tickets wrap their interests in \31 so '\31name\31' can only hit the interest field).
local function score_for(sk, v)
  local sm, cm = sk.sm, byte(v, 1) - 48
  local ok = sm == cm or sm == RANDOM_MOOD or cm == RANDOM_MOOD
  if not ok then ok = sk.relaxed and (byte(v, 2) == ANY_MODE_BYTE or NOW - ticket_since(v) >= RELAX) end
  if not ok then return nil end
  local cs = byte(v, 3)
  local c_low = cs == LOW_BYTE
  if (sk.low and cs == NEWCOMER_BYTE) or (sk.newcomer and c_low) then return nil end
  local score = 0
  if sm == cm and sm ~= RANDOM_MOOD then score = SAME_MOOD_BONUS end
  local needles = sk.needles
  for j = 1, #needles do
    if find(v, needles[j], 1, true) then score = score + 1 end
  end
  if sk.low ~= c_low then return score, score - CROSS_STANDING_PENALTY end
  return score, score
end

-- the best of ids (FIFO order) that beats best; ties keep the earlier one. Tickets are looked
-- up lazily, exclusions and recent pairs only for a candidate that would become the best.
local function scan(sk, ids, best)
  if best and best.rank >= sk.ceiling then return best end
  hprefetch(K_TIX, ids)
  for i = 1, #ids do
    local id = ids[i]
    local v = id ~= sk.uid and hget(K_TIX, id)
    if v then
      local score, rank = score_for(sk, v)
      if score and (best == nil or rank > best.rank) and not barred(sk.uid, id) then
        best = { id = id, v = v, score = score, rank = rank }
        if rank >= sk.ceiling then break end
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
        local score, rank = score_for(sk, v)
        if score and not barred(sk.uid, id) then
          best = { id = id, v = v, score = score, rank = rank }
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
