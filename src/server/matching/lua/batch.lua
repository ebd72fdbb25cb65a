-- batch(op...): the enqueues and ends of one event-loop turn, run in order, each seeing the ones
-- before it; one reply per op (protocol/batch.ts builds the ops and decodes the replies). An op is
--   'E', uid, request, newSessionId, unseenAfter, n, (candidate, version) x n   an enqueue; the
--        candidates are Node's ranking of its window snapshot, best first (select_listed)
--   'X', sessionId, reason, endedBy                                             an end
-- An enqueue replies {matched, sessionId, created, session, stale ids} | {waiting, position,
-- count, version, since, stale ids} | {cooldown, until}; an end the ended session, or false when
-- it was not live.
-- read what every enqueue needs in a few bulk commands first
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
return finish(out)
