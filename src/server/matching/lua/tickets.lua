-- The encodings the functions read and write (redis-codec.ts decodes them in Node; chosen so the
-- candidate scan needs no JSON). \29, \30, \31 are the ASCII separators GS, RS, US.
--   request          = <moodDigit><modeDigit><standingDigit>\30<interests>\30<profile JSON>, the interests
--                      each wrapped as \31name\31 (kept on the session as aq/bq: skip re-queues with it)
--   ticket tix[uid]  = <moodDigit><modeDigit><standingDigit><version>,<since>\30<interests>\30<profile JSON>
--                      (since lives in the ticket: ZRANGE WITHSCORES costs ~10x a plain ZRANGE;
--                      tix holds a long pad field so it is never a listpack, whose HMGET is O(n))
--   queue q          = score since * QUEUE_SCORE_SCALE + version % QUEUE_SCORE_SCALE (FIFO inside
--                      one millisecond)
--   bar ZSET         = pairs that may not be matched: member <lower id>\31<higher id>, score = when
--                      the pair met (barred for the rematch window) or +inf (excluded: block/report)
--   session s:<sid>  = STRING, its fields joined by \29 in SESSION_FIELDS order (redis-codec.ts):
--                      id a b c act e rs by am bm aw bw sc ci ap bp k aq bq ar br (empty = not
--                      set). The ones an end or an activation changes come first, so they
--                      rewrite the head; the reveal times (ar, br) come last (lua/reveal.lua).

local function ticket_version(v) return string.match(v, '^%d%d%d(%d+)') end
local function ticket_since(v) return tonumber(string.match(v, '^%d%d%d%d+,(%d+)')) end
-- a ticket from a request: its version and since go after the three leading digits
local function ticket_of(req, ver, since) return string.sub(req, 1, 3) .. ver .. ',' .. since .. string.sub(req, 4) end
local function ticket_interests(v) return string.match(v, '^[^\30]*\30([^\30]*)') end
-- the request a ticket was built from (the ticket minus its version and since)
local function ticket_request(v) return string.sub(v, 1, 3) .. string.match(v, '^%d%d%d%d+,%d+(\30.*)$') end
local function profile_of(v) return string.match(v, '^[^\30]*\30[^\30]*\30(.*)$') end

local function pair_key(a, b)
  if a < b then return a .. '\31' .. b end
  return b .. '\31' .. a
end
