-- start_pair(a, requestA, b, requestB, sessionId): a session between two given users (a friend
-- call accepted; protocol/start-pair.ts), through the same pair write as a match. Refused when
-- either is in a session or the pair is excluded; both leave the queue if waiting. A resent call
-- gets the session it made while that is live; an id never names a second session.
local a, areq, b, breq, sid = ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13]
local existing = sget(P .. 's:' .. sid)
if existing then
  if hget(K_CUR, a) == sid then return { 'created', existing } end
  return { 'conflict', 'in_session' }
end
if a == b then return { 'conflict', 'self' } end
if hget(K_CUR, a) or hget(K_CUR, b) then return { 'conflict', 'in_session' } end
if zscore(K_BAR, pair_key(a, b)) == math.huge then return { 'conflict', 'excluded' } end
local v = write_session(sid, a, ticket_of(areq, 0, NOW), hget(K_TIX, a), b, ticket_of(breq, 0, NOW), hget(K_TIX, b), 0,
  SESSION_KIND_FRIEND)
return finish({ 'created', v })
