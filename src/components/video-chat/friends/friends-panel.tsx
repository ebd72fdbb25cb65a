"use client";

import { useCallback, useEffect, useState } from "react";
import type { FriendView } from "@/lib/schemas";
import { api, isApiError } from "../api";
import type { MatchAction } from "../match-state";

const FRIENDS_REFRESH_MS = 30_000;

/**
 * The people you both wanted to talk to again. Made only after a call (no search, no ids shown);
 * `refresh` changes when a new friendship was just made. An online friend can be called: the
 * ringing lives in the page's state (CallBanner), the answer arrives as a `matched` event.
 */
export function FriendsPanel({
  refresh,
  dispatch,
  ringing,
}: {
  refresh: number;
  dispatch: (action: MatchAction) => void;
  /** Someone is being called (or calling): one call at a time. */
  ringing: boolean;
}) {
  const [friends, setFriends] = useState<FriendView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [calling, setCalling] = useState(false);

  const load = useCallback(async () => {
    try {
      setFriends((await api.friends()).friends);
      setProblem(null);
    } catch (error) {
      setProblem(isApiError(error) ? error.message : "Couldn't load your friends.");
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load, refresh]);
  // "Online now" goes stale: re-read while the panel is shown.
  useEffect(() => {
    const timer = setInterval(() => void load(), FRIENDS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  async function remove(friend: FriendView) {
    if (!window.confirm(`Remove ${friend.nickname} from your friends?`)) return;
    try {
      await api.unfriend(friend.id);
    } catch (error) {
      if (!isApiError(error, "NOT_FOUND")) setProblem(isApiError(error) ? error.message : "That didn't go through.");
    }
    await load();
  }

  async function call(friend: FriendView) {
    setCalling(true);
    setProblem(null);
    try {
      const result = await api.callFriend(friend.id);
      if (result.status === "ringing") dispatch({ type: "calling", invite: result.invite, friendNickname: friend.nickname });
      else dispatch({ type: "enqueued", result });
    } catch (error) {
      setProblem(isApiError(error) ? error.message : "That call didn't go through.");
      if (isApiError(error, "CONFLICT")) void load(); // "not online" and friends: the list was stale
    } finally {
      setCalling(false);
    }
  }

  if (friends === null && !problem) return null;
  return (
    <section className="panel friends" aria-labelledby="friends-title" data-testid="friends">
      <h2 id="friends-title" className="friends__title">
        Friends
      </h2>
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      {friends && friends.length === 0 && (
        <p className="muted friends__empty">
          When you and someone both say you&apos;d talk again after a call, they show up here.
        </p>
      )}
      {friends && friends.length > 0 && (
        <ul className="friends__list">
          {friends.map((friend) => (
            <li key={friend.id} className="friends__item">
              <span className="friends__avatar" aria-hidden="true">
                {friend.avatar ?? friend.nickname.slice(0, 1).toUpperCase()}
              </span>
              <span className="friends__name">{friend.nickname}</span>
              <span className={`friends__status${friend.online ? " friends__status--online" : ""}`}>
                {friend.online ? "Online now" : "Offline"}
              </span>
              {friend.online && (
                <button
                  type="button"
                  className="button button--primary"
                  onClick={() => call(friend)}
                  disabled={calling || ringing}
                  aria-label={`Call ${friend.nickname}`}
                >
                  Call
                </button>
              )}
              <button
                type="button"
                className="button button--ghost"
                onClick={() => remove(friend)}
                aria-label={`Unfriend ${friend.nickname}`}
              >
                Unfriend
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
