-- activate(sessionId) -> the session, or false when not live. Idempotent (protocol/activate.ts).
local s = P .. 's:' .. ARGV[9]
local v = sget(s)
if not v then return false end
local id, a, b, c, act, e, rest = session_head(v)
if e ~= '' then return false end
if act == '' then
  v = table.concat({ id, a, b, c, NOW_S, '', '', '', rest }, '\29')
  sset(s, v)
end
return finish(v)
