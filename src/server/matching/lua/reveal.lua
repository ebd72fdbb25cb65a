-- reveal(sessionId, uid) -> {'revealed', session} | {'not_member'} | false when the session is
-- not live (protocol/reveal.ts). The member's reveal time is the field ar or br (the last two of
-- SESSION_FIELDS), set once: a second reveal keeps the first time.
local s = P .. 's:' .. ARGV[9]
local uid = ARGV[10]
local v = sget(s)
if not v then return false end
local f = {}
for part in string.gmatch(v .. '\29', '([^\29]*)\29') do f[#f + 1] = part end
if f[6] ~= '' then return false end
local at
if f[2] == uid then at = 19 elseif f[3] == uid then at = 20 else return { 'not_member' } end
for i = #f + 1, 20 do f[i] = '' end
if f[at] == '' then
  f[at] = NOW_S
  v = table.concat(f, '\29')
  sset(s, v)
end
return finish({ 'revealed', v })
