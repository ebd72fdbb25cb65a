-- window() -> {newest queue score, ids..., tickets...}: the candidate window in FIFO order with
-- its tickets, in one round trip (Node's window snapshot and the sweep read it; protocol/window.ts).
local ids = window_entries()
local newest = call('ZRANGE', K_Q, -1, -1, 'WITHSCORES')
local out = { newest[2] or '-inf' }
if #ids == 0 then return out end
local vals = call('HMGET', K_TIX, unpack(ids))
for i = 1, #ids do out[#out + 1] = ids[i] end
for i = 1, #ids do out[#out + 1] = vals[i] or '' end
return out
