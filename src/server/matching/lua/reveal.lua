-- reveal(sessionId, uid) -> {'revealed', session} | {'not_member'} | false when the session is
-- not live (protocol/reveal.ts). The member's reveal time is the field ar or br (positions
-- injected from SESSION_FIELDS), set once: a second reveal keeps the first time.
local s = P .. 's:' .. ARGV[9]
local uid = ARGV[10]
local v = sget(s)
if not v then return false end
local f = session_fields(v)
if f[6] ~= '' then return false end
local at
if f[2] == uid then at = REVEAL_FIELD_A elseif f[3] == uid then at = REVEAL_FIELD_B else return { 'not_member' } end
if f[at] == '' then
  f[at] = NOW_S
  v = table.concat(f, '\29')
  sset(s, v)
end
return finish({ 'revealed', v })
