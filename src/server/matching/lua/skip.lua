-- skip(uid, newSessionId, requeue): end the current session (reason skip), count the skip, start
-- or escalate a cooldown when it crosses the free allowance, otherwise re-enqueue (unless requeue
-- is '0': maintenance); all atomic (protocol/skip.ts).
local uid, sid, requeue_wanted = ARGV[9], ARGV[10], ARGV[11] ~= '0'
local cu = cooldown_until(uid)
if cu then return { 'cooldown', cu, false } end
local cur = hget(K_CUR, uid)
-- cur == sid: this call already ran (resent after a lost reply) and its re-queue made that
-- session; skipping it too would end a conversation nobody asked to leave
if not cur or cur == sid then return { 'not_in_session' } end
local ended = end_session(cur, 'skip', uid)
if count_skip(uid) then return finish({ 'cooldown', escalate_cooldown(uid), ended }) end
if not requeue_wanted then return finish({ 'skipped', ended, false }) end
-- re-queue with the request this user was matched with (kept on the session: aq, bq)
local req
if ended then
  local f = session_fields(ended)
  if f[2] == uid then req = f[REQUEST_FIELD_A] else req = f[REQUEST_FIELD_B] end
end
if not req or req == '' then req = DEFAULT_REQUEUE_REQUEST end
local requeue = enqueue(uid, req, sid, nil, nil)
return finish({ 'skipped', ended, requeue })
