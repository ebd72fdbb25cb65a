-- commit((a, versionA, b, versionB, sessionId) x n): the sweep's pair commits, in order, each
-- seeing the ones before it; one reply per pair (protocol/commit.ts). Replaying a pair with the
-- same session id returns the existing session and writes nothing. One call for all of a sweep's
-- pairs: a function call's own cost is several times a refused commit's, and a burst of separate
-- calls held up every other instance's batch behind it.
local users, sessions = {}, {}
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
return finish(out)
