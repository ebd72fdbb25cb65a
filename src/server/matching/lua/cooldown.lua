-- The cooldown policy, twin of cooldown.ts (instructions/matching.md "Rules", Cooldown). A user's
-- record is cd[uid] = '<level>,<until>'; skips are counted in sk:<uid> (a ZSET of skip times).

local function cooldown_record(uid)
  local c = hget(K_CD, uid)
  if not c then return 0, 0 end
  local level, untl = string.match(c, '^(%d+),(%d+)$')
  return tonumber(level), tonumber(untl)
end

local function cooldown_until(uid)
  local _, untl = cooldown_record(uid)
  if untl > NOW then return untl end
  return nil
end

-- a conversation that lasted RESET_AFTER resets the offence level (a running cooldown stays)
local function resets_cooldown_level(started)
  return NOW - started >= RESET_AFTER
end

local function clear_cooldown_level(uid)
  local level, untl = cooldown_record(uid)
  if untl > NOW then hset(K_CD, uid, '0,' .. untl)
  elseif level > 0 or untl > 0 then hdel(K_CD, uid) end
end

-- a skip counted in the sliding SKIP_WINDOW → true when it exceeds the SKIP_FREE allowance (the
-- skip history then starts over)
local function count_skip(uid)
  local sk = P .. 'sk:' .. uid
  call('ZREMRANGEBYSCORE', sk, '-inf', int(NOW - SKIP_WINDOW))
  call('ZADD', sk, NOW_S, NOW_S .. ':' .. int(next_seq()))
  call('PEXPIRE', sk, int(SKIP_WINDOW))
  if call('ZCARD', sk) <= SKIP_FREE then return false end
  call('DEL', sk)
  return true
end

-- the next offence: one level up (capped at the last step), cooldown from now → its end
local function escalate_cooldown(uid)
  local level = cooldown_record(uid)
  level = math.min(level + 1, #STEPS)
  local untl = NOW + STEPS[level]
  hset(K_CD, uid, level .. ',' .. untl)
  return untl
end

-- Stop then Start is Next (cooldown.ts endCountsAsSkip): a session its own user ended ('end' or
-- 'disconnect' with by = that user) before it reset the level counts as their skip
local function end_counts_as_skip(reason, by, started)
  return by ~= '' and find(SELF_END_REASONS, '\31' .. reason .. '\31', 1, true) ~= nil and not resets_cooldown_level(started)
end
