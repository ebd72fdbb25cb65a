-- prime(uid, nExcluded, excluded..., recentUser, recentAt, ...) -> 1, or 0 when already primed
-- (protocol/prime.ts). Exclusions bar the pair for good (+inf); a recent meeting never lowers
-- what is recorded.
local uid = ARGV[9]
if not call('SET', P .. 'pr:' .. uid, '1', 'NX') then return 0 end
local n = tonumber(ARGV[10])
local i = 11
for _ = 1, n do
  call('ZADD', K_BAR, 'inf', pair_key(uid, ARGV[i]))
  i = i + 1
end
while i <= #ARGV do
  call('ZADD', K_BAR, 'GT', ARGV[i + 1], pair_key(uid, ARGV[i]))
  i = i + 2
end
return 1
