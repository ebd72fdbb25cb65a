import { afterEach, describe, expect, it } from "vitest";
import { matchConfig } from "@/server/matching/config";
import type { EnqueueOutcome, LiveSession, MatchConfig, MatchStore, Preferences } from "@/server/matching/types";

/**
 * The one behaviour suite both drivers must pass (instructions/matching.md "Rules"). `factory` builds a fresh,
 * isolated store for the given config and a cleanup for whatever it created.
 */
export type StoreFactory = (config: MatchConfig) => Promise<{ store: MatchStore; cleanup: () => Promise<void> }>;

const T0 = 1_700_000_000_000;
const S = 1000;
const profile = (nickname: string) => ({ nickname, avatar: null });
const prefs = (p: Partial<Preferences> = {}): Preferences => ({ mood: "chill", interests: [], mode: "same_mood", ...p });

function sessionOf(o: EnqueueOutcome): LiveSession {
  if (o.kind !== "matched") throw new Error(`expected a match, got ${JSON.stringify(o)}`);
  return o.session;
}
const members = (s: LiveSession) => [s.a.userId, s.b.userId].sort();
/** Two free skips in 10 min, then 1/5/15 min; a 60 s conversation resets the level. */
const COOLDOWN_LADDER = {
  skipFree: 2,
  skipWindowMs: 600_000,
  cooldownStepsMs: [60_000, 300_000, 900_000],
  cooldownResetAfterMs: 60_000,
};

export function matchStoreContract(driver: string, factory: StoreFactory) {
  describe(`MatchStore contract: ${driver}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      while (cleanups.length) await cleanups.pop()!();
    });
    async function make(overrides: Partial<MatchConfig> = {}) {
      const { store, cleanup } = await factory(matchConfig(overrides));
      cleanups.push(async () => {
        await store.close();
        await cleanup();
      });
      return store;
    }

    it("matches two compatible users at once and reports an existing session on re-enqueue", async () => {
      const store = await make();
      expect(await store.enqueue("a", prefs({ interests: ["Music", "film"] }), profile("Ann"), T0)).toEqual({
        kind: "waiting",
        position: 1,
        waiting: 1,
      });
      const out = await store.enqueue("b", prefs({ interests: ["music"] }), { nickname: "Bob", avatar: "x.png" }, T0 + 2 * S);
      const s = sessionOf(out);
      expect(out).toMatchObject({ created: true });
      expect(s.roomName).toBe(`mm_${s.id}`);
      expect(s.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(s.commonInterests).toEqual(["music"]);
      expect(s.score).toBe(1.5);
      expect(s.createdAt).toBe(T0 + 2 * S);
      expect(s.activeAt).toBeNull();
      const byId = Object.fromEntries([s.a, s.b].map((m) => [m.userId, m]));
      expect(byId.a).toEqual({ userId: "a", nickname: "Ann", avatar: null, mood: "chill", waitedMs: 2 * S });
      expect(byId.b).toEqual({ userId: "b", nickname: "Bob", avatar: "x.png", mood: "chill", waitedMs: 0 });
      expect((await store.getState("a", T0 + 3 * S)).status).toBe("in_session");
      const again = await store.enqueue("a", prefs(), profile("Ann"), T0 + 3 * S);
      expect(again).toMatchObject({ kind: "matched", created: false });
      expect(sessionOf(again).id).toBe(s.id);
      expect(await store.getSession(s.id)).toEqual(s);
      expect((await store.listLiveSessions()).map((x) => x.id)).toEqual([s.id]);
    });

    it("keeps every start and end in the outbox until it is marked announced", async () => {
      const store = await make();
      await store.enqueue("a", prefs(), profile("A"), T0);
      const s = sessionOf(await store.enqueue("b", prefs(), profile("B"), T0 + S));
      expect((await store.unannounced(T0, 10)).starts).toEqual([]); // decided later than `before`
      expect((await store.unannounced(T0 + 2 * S, 10)).starts.map((x) => x.id)).toEqual([s.id]);
      await store.markAnnounced("start", s.id);
      expect((await store.unannounced(T0 + 2 * S, 10)).starts).toEqual([]);

      const ended = (await store.endSession(s.id, "end", "a", T0 + 3 * S))!;
      const pending = await store.unannounced(T0 + 4 * S, 10);
      expect(pending.ends).toEqual([ended]);
      expect(pending.ends[0]).toMatchObject({ id: s.id, reason: "end", endedBy: "a", endedAt: T0 + 3 * S });
      await store.markAnnounced("end", s.id);
      expect(await store.unannounced(T0 + 4 * S, 10)).toEqual({ starts: [], ends: [] });
    });

    it("re-enqueue while waiting keeps the place and updates the preferences", async () => {
      const store = await make();
      await store.enqueue("a", prefs({ mood: "shy" }), profile("A"), T0);
      await store.enqueue("b", prefs({ mood: "fire" }), profile("B"), T0 + 1);
      const again = await store.enqueue("a", prefs({ mood: "silly", interests: ["Chess"] }), profile("A2"), T0 + 2);
      expect(again).toEqual({ kind: "waiting", position: 1, waiting: 2 });
      const state = await store.getState("a", T0 + 3);
      expect(state).toMatchObject({ status: "waiting", since: T0, position: 1, waiting: 2, cooldownUntil: null });
      if (state.status === "waiting") expect(state.prefs).toEqual({ mood: "silly", interests: ["chess"], mode: "same_mood" });
      expect((await store.stats()).byMood).toEqual({ chill: 0, fire: 1, silly: 1, shy: 0, random: 0 });
      expect(await store.getState("b", T0 + 3)).toMatchObject({ status: "waiting", position: 2 });
    });

    it("never matches a user with themself, an excluded user, or a recent partner", async () => {
      const store = await make({ rematchWindowMs: 3_600_000 });
      expect(await store.enqueue("a", prefs(), profile("A"), T0)).toMatchObject({ kind: "waiting" });
      expect(await store.enqueue("a", prefs(), profile("A"), T0 + 1)).toMatchObject({ kind: "waiting", waiting: 1 });
      await store.exclude("b", "a");
      expect(await store.enqueue("b", prefs(), profile("B"), T0 + 2)).toMatchObject({ kind: "waiting", waiting: 2 });
      expect(await store.sweep(T0 + 60 * S)).toEqual([]);
      // c meets a, they part, and are not matched again within the window
      const s = sessionOf(await store.enqueue("c", prefs(), profile("C"), T0 + 61 * S));
      expect(members(s)).toEqual(["a", "c"]);
      await store.endSession(s.id, "end", "a", T0 + 62 * S);
      await store.cancel("b");
      expect(await store.enqueue("a", prefs(), profile("A"), T0 + 63 * S)).toMatchObject({ kind: "waiting" });
      expect(await store.enqueue("c", prefs(), profile("C"), T0 + 64 * S)).toMatchObject({ kind: "waiting" });
      expect(await store.sweep(T0 + 120 * S)).toEqual([]);
      // after the rematch window they may meet again
      const later = await store.sweep(T0 + 62 * S + 3_600_000);
      expect(later.map(members)).toEqual([["a", "c"]]);
    });

    it("sweeps a waiting user past a recent partner to the next compatible one", async () => {
      const store = await make({ rematchWindowMs: 3_600_000 });
      await store.enqueue("a", prefs(), profile("A"), T0);
      const s = sessionOf(await store.enqueue("b", prefs(), profile("B"), T0 + 1));
      await store.endSession(s.id, "end", "a", T0 + 2);
      await store.enqueue("a", prefs(), profile("A"), T0 + 3);
      expect(await store.enqueue("b", prefs(), profile("B"), T0 + 4)).toMatchObject({ kind: "waiting" }); // recent pair
      expect(await store.enqueue("c", prefs({ mood: "fire" }), profile("C"), T0 + 5)).toMatchObject({ kind: "waiting" }); // mood
      // relaxed: a's first choice in FIFO order is b (recent), so a meets c and b waits on
      const swept = await store.sweep(T0 + 30 * S);
      expect(swept.map(members)).toEqual([["a", "c"]]);
      expect((await store.getState("b", T0 + 30 * S)).status).toBe("waiting");
    });

    it("sweeps a waiting user past an excluded user to the next compatible one", async () => {
      const store = await make();
      await store.exclude("a", "b");
      expect(await store.enqueue("a", prefs(), profile("A"), T0)).toMatchObject({ kind: "waiting" });
      expect(await store.enqueue("b", prefs(), profile("B"), T0 + 1)).toMatchObject({ kind: "waiting" }); // excluded
      expect(await store.enqueue("c", prefs({ mood: "fire" }), profile("C"), T0 + 2)).toMatchObject({ kind: "waiting" }); // mood
      // relaxed: a's first choice in FIFO order is b (excluded), so a meets c and b waits on
      const swept = await store.sweep(T0 + 30 * S);
      expect(swept.map(members)).toEqual([["a", "c"]]);
      expect((await store.getState("b", T0 + 30 * S)).status).toBe("waiting");
    });

    it("relaxes same_mood only after both sides waited relaxMoodAfterMs; random and any are wildcards", async () => {
      const store = await make();
      await store.enqueue("a", prefs({ mood: "chill" }), profile("A"), T0);
      expect(await store.enqueue("b", prefs({ mood: "fire" }), profile("B"), T0 + S)).toMatchObject({ kind: "waiting" });
      expect(await store.sweep(T0 + 9 * S)).toEqual([]);
      expect(await store.sweep(T0 + 11 * S - 1)).toEqual([]); // a relaxed, b not yet
      const swept = await store.sweep(T0 + 11 * S);
      expect(swept.map(members)).toEqual([["a", "b"]]);

      // mode any accepts anyone, but the same_mood side still waits for its own relaxation
      await store.enqueue("c", prefs({ mood: "shy" }), profile("C"), T0 + 20 * S);
      expect(await store.enqueue("d", prefs({ mood: "fire", mode: "any" }), profile("D"), T0 + 25 * S)).toMatchObject({
        kind: "waiting",
      });
      expect(await store.sweep(T0 + 29 * S)).toEqual([]);
      expect((await store.sweep(T0 + 30 * S)).map(members)).toEqual([["c", "d"]]);

      // random mood matches any mood at once
      await store.enqueue("e", prefs({ mood: "silly" }), profile("E"), T0 + 40 * S);
      const r = sessionOf(await store.enqueue("f", prefs({ mood: "random" }), profile("F"), T0 + 40 * S));
      expect(members(r)).toEqual(["e", "f"]);
      expect(r.score).toBe(0);
    });

    it("breaks ties by enqueue order (FIFO), even inside one millisecond", async () => {
      const store = await make();
      for (const id of ["z1", "y2", "x3"]) {
        await store.exclude(id, "z1");
        await store.exclude(id, "y2");
        await store.exclude(id, "x3");
      }
      await store.enqueue("z1", prefs(), profile("1"), T0);
      await store.enqueue("y2", prefs(), profile("2"), T0);
      await store.enqueue("x3", prefs(), profile("3"), T0);
      expect(await store.getState("y2", T0)).toMatchObject({ position: 2, waiting: 3 });
      expect(members(sessionOf(await store.enqueue("n", prefs(), profile("N"), T0)))).toEqual(["n", "z1"]);
      expect(members(sessionOf(await store.enqueue("m", prefs(), profile("M"), T0)))).toEqual(["m", "y2"]);
    });

    it("prefers more common interests, then the same mood, over waiting time", async () => {
      const store = await make();
      const ids = ["a", "b", "c", "d"];
      for (const x of ids) for (const y of ids) if (x < y) await store.exclude(x, y);
      await store.enqueue("a", prefs({ mood: "fire", mode: "any" }), profile("A"), T0);
      await store.enqueue("b", prefs({ mood: "chill", mode: "any", interests: ["go"] }), profile("B"), T0 + 1);
      await store.enqueue("c", prefs({ mood: "fire", mode: "any", interests: ["go", "tea"] }), profile("C"), T0 + 2);
      await store.enqueue("d", prefs({ mood: "chill", mode: "any", interests: ["x"] }), profile("D"), T0 + 3);
      const s1 = sessionOf(
        await store.enqueue("n1", prefs({ mood: "chill", mode: "any", interests: ["tea", "go"] }), profile("N1"), T0 + 4),
      );
      expect(members(s1)).toEqual(["c", "n1"]);
      expect(s1.commonInterests).toEqual(["tea", "go"]);
      expect(s1.score).toBe(2);
      // equal interests (none common): the same mood wins over the longer wait
      const s2 = sessionOf(
        await store.enqueue("n2", prefs({ mood: "chill", mode: "any", interests: ["zzz"] }), profile("N2"), T0 + 5),
      );
      expect(members(s2)).toEqual(["b", "n2"]);
      expect(s2.score).toBe(0.5);
    });

    it("trust standing: low trust never meets a newcomer and is matched among low trust first, on enqueue, sweep and re-queue", async () => {
      const store = await make();
      const any = prefs({ mode: "any" });
      // a newcomer waits; a low-trust user arriving is not matched with them (enqueue), nor by the sweep
      expect(await store.enqueue("new", any, profile("New"), T0, "newcomer")).toMatchObject({ kind: "waiting" });
      expect(await store.enqueue("low", prefs({ mode: "any", interests: ["go"] }), profile("Low"), T0 + 1, "low")).toMatchObject({
        kind: "waiting",
        waiting: 2,
      });
      expect(await store.sweep(T0 + 30 * S)).toEqual([]);
      // a regular sharing an interest with the low-trust user, and a second low-trust user with none:
      // the low-trust pair is made, the regular meets the newcomer
      const r = await store.enqueue("reg", prefs({ mode: "any", interests: ["go"] }), profile("Reg"), T0 + 31 * S, "regular");
      expect(members(sessionOf(r))).toEqual(["new", "reg"]);
      const l2 = sessionOf(await store.enqueue("low2", any, profile("Low2"), T0 + 32 * S, "low"));
      expect(members(l2)).toEqual(["low", "low2"]);
      expect(l2.score).toBe(0.5); // the pair's own score, not its rank
      // with nobody else on their side, low trust may meet a regular
      await store.endSession(l2.id, "end", null, T0 + 33 * S);
      expect(await store.enqueue("low", any, profile("Low"), T0 + 34 * S, "low")).toMatchObject({ kind: "waiting" });
      const cross = sessionOf(await store.enqueue("reg2", any, profile("Reg2"), T0 + 35 * S, "regular"));
      expect(members(cross)).toEqual(["low", "reg2"]);
      // Next re-queues with the standing the session was made with: never onto a waiting newcomer
      expect(await store.enqueue("new2", any, profile("New2"), T0 + 36 * S, "newcomer")).toMatchObject({ kind: "waiting" });
      const next = await store.skip("low", T0 + 37 * S);
      expect(next).toMatchObject({ kind: "skipped", requeue: { kind: "waiting" } });
      expect(await store.sweep(T0 + 90 * S)).toEqual([]);
      expect((await store.getState("new2", T0 + 90 * S)).status).toBe("waiting");
    });

    it("startPair: a friend call's session, atomic with the queue and sessions, replay-safe, never across an exclusion", async () => {
      const store = await make();
      const member = (userId: string) => ({ userId, profile: profile(userId.toUpperCase()), standing: "regular" as const });
      // b waits in the queue; a and b start a friend call: b leaves the queue, no wait sample is added
      expect(await store.enqueue("b", prefs({ interests: ["go"] }), profile("B"), T0)).toMatchObject({ kind: "waiting" });
      const started = await store.startPair(member("a"), member("b"), "friendcall000001", T0 + S);
      if (started.kind !== "created") throw new Error(JSON.stringify(started));
      const s = started.session;
      expect(s).toMatchObject({
        id: "friendcall000001",
        roomName: "mm_friendcall000001",
        kind: "friend",
        score: 0,
        commonInterests: [],
      });
      expect(s.a).toMatchObject({ userId: "a", nickname: "A" });
      expect(s.b).toMatchObject({ userId: "b", nickname: "B" });
      expect(await store.getSession(s.id)).toEqual(s);
      expect((await store.getState("b", T0 + S)).status).toBe("in_session");
      expect((await store.stats()).waiting).toBe(0);
      expect((await store.stats()).avgWaitMs).toBe(0);
      expect((await store.unannounced(T0 + 2 * S, 10)).starts.map((x) => x.id)).toEqual([s.id]);
      // a resend gets the same session; a second call while in it is refused
      expect(await store.startPair(member("a"), member("b"), s.id, T0 + 2 * S)).toEqual({ kind: "created", session: s });
      expect(await store.startPair(member("a"), member("c"), "friendcall000002", T0 + 2 * S)).toEqual({
        kind: "conflict",
        reason: "in_session",
      });
      // it ends like a match; a Next from it re-queues (any mood, no interests)
      const next = await store.skip("a", T0 + 3 * S);
      expect(next).toMatchObject({
        kind: "skipped",
        ended: { id: s.id, reason: "skip", kind: "friend" },
        requeue: { kind: "waiting" },
      });
      expect(await store.startPair(member("a"), member("b"), s.id, T0 + 4 * S)).toEqual({
        kind: "conflict",
        reason: "in_session",
      });
      await store.cancel("a");
      await store.exclude("a", "b");
      expect(await store.startPair(member("b"), member("a"), "friendcall000003", T0 + 5 * S)).toEqual({
        kind: "conflict",
        reason: "excluded",
      });
      expect(await store.startPair(member("a"), member("a"), "friendcall000004", T0 + 5 * S)).toEqual({
        kind: "conflict",
        reason: "self",
      });
    });

    it("a Next after a reveal re-queues with the request the session was made with (fields read by name, not by end)", async () => {
      const store = await make();
      await store.enqueue("a", prefs({ interests: ["go"], mode: "any" }), profile("A"), T0);
      const s = sessionOf(await store.enqueue("b", prefs({ interests: ["go"] }), profile("B"), T0 + 1));
      expect(await store.reveal(s.id, "a", T0 + 2)).toMatchObject({ kind: "revealed" });
      expect(await store.reveal(s.id, "b", T0 + 3)).toMatchObject({ kind: "revealed" });
      expect(await store.skip("a", T0 + 4)).toMatchObject({ kind: "skipped", requeue: { kind: "waiting" } });
      const state = await store.getState("a", T0 + 5);
      expect(state).toMatchObject({ status: "waiting", prefs: { interests: ["go"], mode: "any", mood: "chill" } });
    });

    it("skips re-queue, cooldowns escalate 1/5/15 min, and a long conversation resets the level", async () => {
      const store = await make(COOLDOWN_LADDER);
      let n = 0;
      let t = T0;
      const partner = async () => {
        const out = await store.enqueue(`p${++n}`, prefs({ mood: "random", mode: "any" }), profile("P"), t);
        return sessionOf(out);
      };
      expect(await store.skip("s", t)).toEqual({ kind: "not_in_session" });
      await store.enqueue("s", prefs({ mood: "shy", interests: ["cats"] }), profile("S"), t);
      const skipRound = async () => {
        const first = await partner();
        t += S;
        return { session: first, out: await store.skip("s", t) };
      };
      for (let i = 0; i < 2; i++) {
        const { session, out } = await skipRound();
        expect(out.kind).toBe("skipped");
        if (out.kind !== "skipped") return;
        expect(out.ended).toMatchObject({ id: session.id, reason: "skip", endedBy: "s", endedAt: t });
        expect(out.requeue).toMatchObject({ kind: "waiting" });
        const state = await store.getState("s", t);
        expect(state).toMatchObject({ status: "waiting", since: t });
        if (state.status === "waiting") expect(state.prefs).toEqual({ mood: "shy", interests: ["cats"], mode: "same_mood" });
      }
      const { session: third, out: crossing } = await skipRound();
      expect(crossing).toMatchObject({ kind: "cooldown", until: t + 60_000, ended: { id: third.id, reason: "skip" } });
      expect(await store.getState("s", t)).toEqual({ status: "idle", cooldownUntil: t + 60_000 });
      const freed = third.a.userId === "s" ? third.b.userId : third.a.userId;
      expect(await store.getState(freed, t)).toMatchObject({ status: "idle" });
      expect(await store.enqueue("s", prefs(), profile("S"), t + 1)).toEqual({ kind: "cooldown", until: t + 60_000 });
      expect(await store.skip("s", t + 1)).toEqual({ kind: "cooldown", until: t + 60_000, ended: null });

      // second offence: 5 min
      t += 60_000;
      expect(await store.enqueue("s", prefs({ mood: "random", mode: "any" }), profile("S"), t)).toMatchObject({
        kind: "waiting",
      });
      for (let i = 0; i < 2; i++) expect((await skipRound()).out.kind).toBe("skipped");
      expect((await skipRound()).out).toMatchObject({ kind: "cooldown", until: t + 300_000 });

      // a 60 s conversation resets the level: the next offence is 1 min again
      t += 300_000;
      await store.enqueue("s", prefs({ mood: "random", mode: "any" }), profile("S"), t);
      const long = await partner();
      await store.activate(long.id, t + S);
      t += S + 60_000;
      expect(await store.endSession(long.id, "end", "s", t)).toMatchObject({ reason: "end" });
      await store.enqueue("s", prefs({ mood: "random", mode: "any" }), profile("S"), t);
      for (let i = 0; i < 2; i++) expect((await skipRound()).out.kind).toBe("skipped");
      expect((await skipRound()).out).toMatchObject({ kind: "cooldown", until: t + 60_000 });
    });

    it("a session its user ends (Stop, or leaving) within cooldownResetAfterMs counts as a skip: Stop then Start is Next", async () => {
      const store = await make(COOLDOWN_LADDER);
      let n = 0;
      let t = T0;
      const meet = async () => {
        await store.enqueue("s", prefs({ mood: "random", mode: "any" }), profile("S"), t);
        return sessionOf(await store.enqueue(`p${++n}`, prefs({ mood: "random", mode: "any" }), profile("P"), t));
      };
      // ended by the other side, by nobody, for safety, or after a real conversation: not counted
      for (const [reason, by] of [
        ["end", "other"],
        ["disconnect", null],
        ["timeout", null],
        ["report", "s"],
        ["block", "s"],
      ] as const) {
        const s = await meet();
        t += S;
        expect(
          await store.endSession(s.id, reason, by === "other" ? (s.a.userId === "s" ? s.b.userId : s.a.userId) : by, t),
        ).toMatchObject({ reason });
      }
      const long = await meet();
      t += 60_000;
      await store.endSession(long.id, "end", "s", t);
      // a Stop, a leave and a Next inside the window: the third crosses skipFree = 2
      const stopped = await meet();
      t += S;
      expect(await store.endSession(stopped.id, "end", "s", t)).toMatchObject({ id: stopped.id, reason: "end", endedBy: "s" });
      const left = await meet();
      t += S;
      expect(await store.endSession(left.id, "disconnect", "s", t)).toMatchObject({ reason: "disconnect", endedBy: "s" });
      expect(await store.getState("s", t)).toEqual({ status: "idle", cooldownUntil: null });
      const last = await meet();
      t += S;
      expect(await store.endSession(last.id, "end", "s", t)).toMatchObject({ reason: "end" });
      expect(await store.getState("s", t)).toEqual({ status: "idle", cooldownUntil: t + 60_000 });
      expect(await store.enqueue("s", prefs(), profile("S"), t + 1)).toEqual({ kind: "cooldown", until: t + 60_000 });
      // the partner is never punished for the other side's Stop
      const partner = last.a.userId === "s" ? last.b.userId : last.a.userId;
      expect(await store.getState(partner, t)).toEqual({ status: "idle", cooldownUntil: null });
      // the ladder is shared with skips: the next offence (two skips and a Stop) is 5 min
      t += 60_000;
      await meet();
      t += S;
      expect((await store.skip("s", t)).kind).toBe("skipped");
      await store.enqueue(`p${++n}`, prefs({ mood: "random", mode: "any" }), profile("P"), t);
      t += S;
      expect((await store.skip("s", t)).kind).toBe("skipped");
      const third = sessionOf(await store.enqueue(`p${++n}`, prefs({ mood: "random", mode: "any" }), profile("P"), t));
      t += S;
      await store.endSession(third.id, "end", "s", t);
      expect(await store.enqueue("s", prefs(), profile("S"), t)).toEqual({ kind: "cooldown", until: t + 300_000 });
    });

    it("a skip that must not re-queue (maintenance) still ends and counts, and leaves the user idle", async () => {
      const store = await make({ skipFree: 1 });
      await store.enqueue("s", prefs(), profile("S"), T0);
      const first = sessionOf(await store.enqueue("p1", prefs(), profile("P"), T0));
      const out = await store.skip("s", T0 + S, { requeue: false });
      expect(out).toEqual({
        kind: "skipped",
        ended: expect.objectContaining({ id: first.id, reason: "skip", endedBy: "s" }),
        requeue: null,
      });
      expect(await store.getState("s", T0 + S)).toEqual({ status: "idle", cooldownUntil: null });
      await store.enqueue("p2", prefs(), profile("P"), T0 + S);
      expect(await store.getState("p2", T0 + S)).toMatchObject({ status: "waiting" });
      await store.enqueue("s", prefs(), profile("S"), T0 + S);
      expect((await store.skip("s", T0 + 2 * S, { requeue: false })).kind).toBe("cooldown");
    });

    it("ends a session exactly once, frees both users, and activate is idempotent", async () => {
      const store = await make();
      await store.enqueue("a", prefs(), profile("A"), T0);
      const s = sessionOf(await store.enqueue("b", prefs(), profile("B"), T0));
      expect(await store.activate(s.id, T0 + S)).toMatchObject({ activeAt: T0 + S });
      expect(await store.activate(s.id, T0 + 2 * S)).toMatchObject({ activeAt: T0 + S });
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((i) => store.endSession(s.id, "end", i % 2 ? "a" : null, T0 + 3 * S)),
      );
      const ended = results.filter((r) => r !== null);
      expect(ended).toHaveLength(1);
      expect(ended[0]).toMatchObject({ id: s.id, endedAt: T0 + 3 * S, reason: "end", activeAt: T0 + S });
      expect(await store.endSession(s.id, "timeout", null, T0 + 4 * S)).toBeNull();
      expect(await store.endSession("nope", "end", null, T0)).toBeNull();
      expect(await store.activate(s.id, T0 + 5 * S)).toBeNull();
      expect(await store.getSession(s.id)).toBeNull();
      expect(await store.listLiveSessions()).toEqual([]);
      expect(await store.getState("a", T0 + 5 * S)).toEqual({ status: "idle", cooldownUntil: null });
      expect(await store.cancel("a")).toBe(false);
      await store.enqueue("c", prefs(), profile("C"), T0);
      expect(await store.cancel("c")).toBe(true);
      expect(await store.cancel("c")).toBe(false);
    });

    it("records each member's reveal once, keeps it through activation and the end, and refuses strangers and ended sessions", async () => {
      const store = await make();
      await store.enqueue("a", prefs(), profile("A"), T0);
      const s = sessionOf(await store.enqueue("b", prefs(), profile("B"), T0));
      expect(s.revealedAt).toEqual({ a: null, b: null });
      expect(await store.reveal(s.id, "x", T0 + S)).toEqual({ kind: "not_member" });
      expect(await store.reveal("nope", "a", T0 + S)).toEqual({ kind: "not_live" });
      const side = s.a.userId === "a" ? "a" : "b";
      const other = side === "a" ? "b" : "a";
      const first = await store.reveal(s.id, "a", T0 + S);
      expect(first).toMatchObject({ kind: "revealed", session: { id: s.id, revealedAt: { [side]: T0 + S, [other]: null } } });
      // a second reveal keeps the first time; activation and the state keep the reveal
      expect(await store.reveal(s.id, "a", T0 + 2 * S)).toMatchObject({ session: { revealedAt: { [side]: T0 + S } } });
      expect(await store.activate(s.id, T0 + 2 * S)).toMatchObject({ revealedAt: { [side]: T0 + S, [other]: null } });
      const state = await store.getState("b", T0 + 2 * S);
      expect(state.status === "in_session" && state.session.revealedAt).toEqual({ [side]: T0 + S, [other]: null });
      const both = await store.reveal(s.id, "b", T0 + 3 * S);
      expect(both).toMatchObject({ session: { revealedAt: { [side]: T0 + S, [other]: T0 + 3 * S } } });
      expect(await store.getSession(s.id)).toMatchObject({
        revealedAt: { [side]: T0 + S, [other]: T0 + 3 * S },
        activeAt: T0 + 2 * S,
      });
      const ended = await store.endSession(s.id, "end", "a", T0 + 4 * S);
      expect(ended).toMatchObject({ revealedAt: { [side]: T0 + S, [other]: T0 + 3 * S }, activeAt: T0 + 2 * S, reason: "end" });
      expect(await store.reveal(s.id, "a", T0 + 5 * S)).toEqual({ kind: "not_live" });
      // the next call of the same people starts unrevealed
      await store.enqueue("a", prefs(), profile("A"), T0 + 5 * S);
      await store.enqueue("c", prefs(), profile("C"), T0 + 5 * S);
      const next = (await store.getState("a", T0 + 5 * S)) as { status: string; session?: LiveSession };
      expect(next.status).toBe("in_session");
      expect(next.session!.revealedAt).toEqual({ a: null, b: null });
    });

    it("drops tickets and times out sessions without presence", async () => {
      const store = await make({ presenceTimeoutMs: 60_000 });
      await store.enqueue("w", prefs({ mood: "shy" }), profile("W"), T0);
      await store.enqueue("b", prefs({ mood: "fire" }), profile("B"), T0);
      const s = sessionOf(await store.enqueue("c", prefs({ mood: "fire" }), profile("C"), T0));
      await store.touch("b", T0 + 50 * S);
      await store.touch("w", T0 + 10 * S);
      expect(await store.expire(T0 + 59 * S)).toEqual({ droppedTickets: [], timedOut: [] });
      const out = await store.expire(T0 + 71 * S);
      expect(out.droppedTickets).toEqual(["w"]);
      expect(out.timedOut).toHaveLength(1);
      expect(out.timedOut[0]).toMatchObject({ id: s.id, reason: "timeout", endedBy: null, endedAt: T0 + 71 * S });
      expect(await store.getState("b", T0 + 71 * S)).toMatchObject({ status: "idle" });
      expect(await store.getState("w", T0 + 71 * S)).toMatchObject({ status: "idle" });
      expect(await store.expire(T0 + 200 * S)).toEqual({ droppedTickets: [], timedOut: [] });
    });

    it("tells when users were last present, and forgets them once expired", async () => {
      const store = await make({ presenceTimeoutMs: 60_000 });
      expect(await store.lastSeen([])).toEqual(new Map());
      await store.touch("p", T0 + 5 * S);
      await store.touch("q", T0 + 30 * S);
      await store.touch("p", T0 + 2 * S); // never backwards
      expect(await store.lastSeen(["p", "q", "never"])).toEqual(
        new Map([
          ["p", T0 + 5 * S],
          ["q", T0 + 30 * S],
        ]),
      );
      await store.expire(T0 + 80 * S);
      expect(await store.lastSeen(["p", "q"])).toEqual(new Map([["q", T0 + 30 * S]]));
    });

    it("primes exclusions and recent pairs once per user", async () => {
      const store = await make({ rematchWindowMs: 86_400_000 });
      expect(await store.isPrimed("a")).toBe(false);
      const data = {
        excluded: ["x"],
        recent: [
          { userId: "r", at: T0 - 3_600_000 },
          { userId: "old", at: T0 - 90_000_000 },
        ],
      };
      expect(await store.prime("a", data)).toBe(true);
      expect(await store.isPrimed("a")).toBe(true);
      expect(await store.prime("a", data)).toBe(false);
      await store.exclude("x", "r");
      await store.enqueue("a", prefs(), profile("A"), T0);
      expect(await store.enqueue("x", prefs(), profile("X"), T0)).toMatchObject({ kind: "waiting" });
      expect(await store.enqueue("r", prefs(), profile("R"), T0)).toMatchObject({ kind: "waiting" });
      expect(members(sessionOf(await store.enqueue("old", prefs(), profile("O"), T0)))).toEqual(["a", "old"]);
    });

    it("lists waiting users in queue order", async () => {
      const store = await make();
      await store.exclude("a", "b");
      await store.exclude("a", "c");
      await store.exclude("b", "c");
      expect(await store.listWaiting(10)).toEqual([]);
      await store.enqueue("b", prefs(), profile("B"), T0);
      await store.enqueue("a", prefs(), profile("A"), T0 + 1);
      await store.enqueue("c", prefs(), profile("C"), T0 + 1);
      expect(await store.listWaiting(2)).toEqual([
        { userId: "b", position: 1, waiting: 3 },
        { userId: "a", position: 2, waiting: 3 },
      ]);
    });

    it("reports queue statistics", async () => {
      const store = await make();
      expect(await store.stats()).toEqual({
        waiting: 0,
        byMood: { chill: 0, fire: 0, silly: 0, shy: 0, random: 0 },
        liveSessions: 0,
        avgWaitMs: 0,
      });
      await store.enqueue("a", prefs({ mood: "fire" }), profile("A"), T0);
      await store.enqueue("b", prefs({ mood: "shy" }), profile("B"), T0);
      await store.enqueue("c", prefs({ mood: "shy" }), profile("C"), T0 + 1);
      expect(await store.stats()).toMatchObject({ waiting: 1, byMood: { fire: 1, shy: 0 }, liveSessions: 1, avgWaitMs: 1 });
      sessionOf(await store.enqueue("d", prefs({ mood: "fire" }), profile("D"), T0 + 4001));
      expect(await store.stats()).toEqual({
        waiting: 0,
        byMood: { chill: 0, fire: 0, silly: 0, shy: 0, random: 0 },
        liveSessions: 2,
        avgWaitMs: Math.round((1 + 0 + 4001 + 0) / 4),
      });
    });
  });
}
