import "server-only";
import type { FriendView } from "@/lib/schemas";
import type { AppServices } from "../app-services";
import { deleteFriendshipOf, listFriends } from "../db/friends";
import { errors } from "../http/errors";

/**
 * Friends are made only by both saying "again" after a call (src/server/reflections); there is no
 * search and the page never sees a user id, only the friendship's id. Online means present
 * (heartbeat or open events stream) within the presence timeout, as the matcher counts it.
 */
export async function friendsOf(deps: AppServices, userId: string): Promise<{ friends: FriendView[] }> {
  const rows = await listFriends(deps.db, userId);
  const seen = await deps.store.lastSeen(rows.map((r) => r.userId));
  const onlineSince = deps.now() - deps.presenceTimeoutMs;
  return {
    friends: rows.map((r) => ({
      id: r.friendshipId,
      nickname: r.nickname,
      avatar: r.avatar,
      online: (seen.get(r.userId) ?? 0) > onlineSince,
      since: r.since.toISOString(),
    })),
  };
}

export async function unfriend(deps: AppServices, userId: string, friendshipId: string): Promise<{ removed: true }> {
  if (!(await deleteFriendshipOf(deps.db, userId, friendshipId))) throw errors.notFound("No such friend.");
  return { removed: true };
}
