-- expireUser(uid, cutoff): only if the user's last presence is still <= cutoff, drop their
-- ticket and time out their session -> {droppedFlag, ended session or false} (protocol/expire-user.ts).
local uid, cutoff = ARGV[9], tonumber(ARGV[10])
local seen = zscore(K_PRES, uid)
if not seen or seen > cutoff then return { 0, false } end
local dropped = 0
if remove_ticket(uid) then dropped = 1 end
local ended = false
local cur = hget(K_CUR, uid)
if cur then ended = end_session(cur, 'timeout', '') end
zrem(K_PRES, uid)
return finish({ dropped, ended })
