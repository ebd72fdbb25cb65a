-- cancel(uid) -> 1 when a ticket was removed, else 0 (protocol/cancel.ts).
if remove_ticket(ARGV[9]) then return finish(1) end
return 0
