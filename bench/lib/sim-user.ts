/**
 * A simulated person: a signed-in ApiClient with one events stream, a belief about its own state
 * (idle / waiting / in a session) kept from HTTP answers and SSE events the way the browser app
 * keeps it, and a small behaviour: chat a line, then (the "leader" of the pair) skip, end, block
 * or report after a hold time. Everything it does and receives goes into the History.
 */
import type { EndReason, EnqueueResult, StatusView } from "@/lib/schemas";
import { SseReader, type SseFrame } from "@test/support/sse-reader";
import type { ApiClient } from "@test/support/app-process";
import { now, type History, type Op, type Outcome, type Prefs } from "./history";

export interface Behavior {
  /** Conversation length chosen by the pair's leader, ms. */
  holdMs: [number, number];
  /** Each side sends one chat line per session. */
  chat: boolean;
  /** Relative weights of the leader's action. */
  actions: { skip: number; end: number; block: number; report: number };
  /** Pause before an idle user is handed back to the driver, ms. */
  thinkMs: [number, number];
  /** A user waiting longer than this re-reads /status (a real client heartbeats every 30 s). */
  waitResyncMs: number;
  /** A session nobody ended after this long is ended by its member (and counted). */
  sessionWatchdogMs: number;
}

export interface SimWorld {
  history: History;
  behavior: Behavior;
  /** The instance this user talks to (its home, or a live one when the home is down). */
  urlFor(user: SimUser): string;
  byNickname: Map<string, SimUser>;
  /** sessionId → user id of the member that acts for the pair. */
  leaders: Map<string, string>;
  /** The user is idle and may be enqueued again. */
  onIdle(user: SimUser): void;
  /** No new actions (the driver is paused for a check, or the run is over). */
  paused: boolean;
  /** Sessions kept open on purpose (a fault scenario drives them): nobody ends them. */
  held: Set<string>;
  /** Preferences every enqueue uses instead of the user's own (the peak phase). */
  prefsOverride: Prefs | null;
  counters: Record<string, number>;
}

type Belief = { status: "idle" | "waiting" | "in_session"; sessionId?: string; since: number };

const rand = ([lo, hi]: [number, number]) => lo + Math.random() * (hi - lo);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SimUser {
  belief: Belief = { status: "idle", since: now() };
  /** Sessions this user knows have ended. */
  readonly ended = new Set<string>();
  partner: string | undefined;
  lastEventId = 0;
  /** Id of the `state` of the current connection: events with an id ≤ it are covered by it. */
  private stateId = 0;
  private conn = 0;
  private streamWanted = false;
  private abort: AbortController | null = null;
  private streamLoop: Promise<void> | null = null;
  busy = false;
  inPool = false;
  /** Preferences of the last enqueue (a skip re-queues with them). */
  lastPrefs: Prefs;
  cooldownUntil = 0;

  constructor(
    readonly client: ApiClient,
    readonly nickname: string,
    readonly prefs: Prefs,
    readonly world: SimWorld,
    /** Index of the preferred instance. */
    public home: number,
  ) {
    this.lastPrefs = prefs;
  }

  get id(): string {
    return this.client.userId;
  }

  private api(): ApiClient {
    return this.client.via(this.world.urlFor(this));
  }

  // ------------------------------------------------------------------ events stream

  /** Opens the stream (reconnecting with Last-Event-ID whenever it drops); resolves on the first `state`. */
  openStream(): Promise<void> {
    this.streamWanted = true;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.nickname}: no state event in 30 s`)), 30_000);
      this.streamLoop = this.runStream(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Drops the current connection; the stream reconnects at once (to `urlFor`, with Last-Event-ID). */
  reconnectStream(): void {
    this.abort?.abort();
  }

  /** Closes the stream and does not reconnect (a closed tab, or a fault that cuts it). */
  async closeStream(): Promise<void> {
    this.streamWanted = false;
    this.abort?.abort();
    await this.streamLoop;
  }

  private async runStream(onFirstState: () => void): Promise<void> {
    let first = true;
    while (this.streamWanted) {
      const conn = ++this.conn;
      const url = this.world.urlFor(this);
      const ac = new AbortController();
      this.abort = ac;
      try {
        const headers: Record<string, string> = this.lastEventId ? { "last-event-id": String(this.lastEventId) } : {};
        const res = await this.client.via(url).get("/api/matching/events", headers, ac.signal);
        if (res.status !== 200) {
          const text = await res.text().catch(() => "");
          let code: string | undefined;
          try {
            code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          } catch {
            // not the error shape (the checker counts it as a 5xx if it is one)
          }
          this.world.history.add({
            kind: "stream",
            user: this.id,
            t: now(),
            what: "refused",
            conn,
            url,
            httpStatus: res.status,
            code,
          });
          throw new Error(`events answered ${res.status}`);
        }
        this.world.history.add({ kind: "stream", user: this.id, t: now(), what: first ? "open" : "reconnect", conn, url });
        const reader = new SseReader(res);
        for (;;) {
          const frame = await reader.next();
          if (!frame) break;
          if (frame.data === undefined) continue;
          this.onFrame(frame, conn);
          if (first && frame.event === "state") {
            first = false;
            onFirstState();
          }
        }
      } catch {
        // dropped, refused or aborted: reconnect below unless we closed it
      }
      this.world.history.add({ kind: "stream", user: this.id, t: now(), what: "closed", conn, url });
      if (!this.streamWanted) break;
      this.world.counters.streamReconnects = (this.world.counters.streamReconnects ?? 0) + 1;
      await sleep(150 + Math.random() * 250);
    }
  }

  private onFrame(frame: SseFrame, conn: number): void {
    const id = Number(frame.id ?? 0);
    const data = JSON.parse(frame.data!) as Record<string, any>;
    const event = frame.event ?? "message";
    if (event === "state") this.stateId = id;
    const covered = event !== "state" && id <= this.stateId;
    if (id > this.lastEventId) this.lastEventId = id;
    const sessionId: string | undefined = data.sessionId ?? data.session?.id;
    this.world.history.add({
      kind: "sse",
      user: this.id,
      t: now(),
      event,
      id,
      covered,
      conn,
      sessionId,
      reason: data.reason,
      partner: data.session?.partner?.nickname,
      status: event === "state" ? data.status : undefined,
    });
    if (covered) return; // the snapshot already reflects it
    switch (event) {
      case "state":
        this.applyStatus(data as StatusView);
        break;
      case "matched":
        this.sessionStarted(data.session.id, data.session.partner.nickname, false);
        break;
      case "partner_left":
      case "session_ended":
        this.sessionEnded(data.sessionId, data.reason);
        break;
      case "chat":
        if (data.from === "partner") this.count("chatReceived");
        break;
      case "cooldown":
        this.cooldownUntil = Date.parse(data.until);
        break;
    }
  }

  // ------------------------------------------------------------------ belief

  /** A snapshot (`state` or /status) is the server's truth at that moment, whatever we believed ended. */
  private applyStatus(view: StatusView): void {
    if (view.status === "in_session") {
      this.ended.delete(view.session.id);
      return this.sessionStarted(view.session.id, view.session.partner.nickname, false);
    }
    if (this.belief.status === "in_session") this.ended.add(this.belief.sessionId!);
    if (view.status === "waiting") {
      if (this.belief.status !== "waiting") this.belief = { status: "waiting", since: now() };
    } else this.becomeIdle();
  }

  /** When the latest session this user learned of started (0: none yet). */
  private lastMatchAt = 0;
  /** Sessions this user was told it is in. */
  private readonly known = new Set<string>();

  private sessionStarted(sessionId: string, partnerNickname: string, viaHttp: boolean): void {
    if (this.ended.has(sessionId)) return;
    if (viaHttp && !this.world.leaders.has(sessionId)) this.world.leaders.set(sessionId, this.id);
    if (this.belief.status === "in_session" && this.belief.sessionId === sessionId) return;
    this.belief = { status: "in_session", sessionId, since: now() };
    this.lastMatchAt = this.belief.since;
    this.known.add(sessionId);
    this.partner = partnerNickname;
    this.inPool = false;
    void this.converse(sessionId);
  }

  private sessionEnded(sessionId: string, _reason: EndReason | undefined): void {
    const heardOf = this.ended.has(sessionId) || this.known.has(sessionId);
    this.ended.add(sessionId);
    if (this.belief.status === "in_session" && this.belief.sessionId === sessionId) this.becomeIdle();
    // The end of a conversation never heard start, while waiting: the queue view is stale (its
    // `matched` was announced late or not at all). Re-read, as the browser does.
    else if (this.belief.status === "waiting" && !heardOf) void this.resync("end of an unknown session while waiting");
  }

  private becomeIdle(): void {
    const wasIdle = this.belief.status === "idle";
    this.belief = { status: "idle", since: now() };
    if (!wasIdle) void this.handBack();
  }

  private async handBack(): Promise<void> {
    await sleep(Math.max(rand(this.world.behavior.thinkMs), this.cooldownUntil - Date.now()));
    if (this.belief.status === "idle" && !this.busy) this.world.onIdle(this);
  }

  describe(): string {
    return this.belief.status === "in_session" ? `in_session ${this.belief.sessionId}` : this.belief.status;
  }

  // ------------------------------------------------------------------ requests

  private count(name: string) {
    this.world.counters[name] = (this.world.counters[name] ?? 0) + 1;
  }

  /** One API call, logged. Returns the parsed body (null on network errors). */
  private async call(op: Op, path: string, body: unknown, target?: string): Promise<{ status: number; body: any; t0: number }> {
    const t0 = now();
    let status = 0;
    let parsed: any = null;
    let error: string | undefined;
    try {
      const res = body === undefined ? await this.api().get(path) : await this.api().post(path, body);
      status = res.status;
      const text = await res.text();
      parsed = text ? JSON.parse(text) : null;
    } catch (err) {
      error = (err as Error).message;
    }
    const t1 = now();
    let outcome: Outcome = "error";
    if (status === 200 || status === 201 || status === 204) {
      outcome = parsed?.status === "waiting" ? "waiting" : parsed?.status === "in_session" ? "in_session" : "idle";
    } else if (parsed?.error?.code === "COOLDOWN") outcome = "cooldown";
    this.world.history.add({
      kind: "req",
      user: this.id,
      op,
      t0,
      t1,
      httpStatus: status,
      outcome,
      code: parsed?.error?.code,
      sessionId: parsed?.session?.id,
      target,
      prefs: op === "enqueue" || op === "skip" ? this.lastPrefs : undefined,
      error,
    });
    return { status, body: parsed, t0 };
  }

  /** Enqueue with this user's preferences (the driver calls it for idle users). */
  async enqueue(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.inPool = false;
    try {
      this.lastPrefs = this.world.prefsOverride ?? this.prefs;
      const { status, body, t0 } = await this.call("enqueue", "/api/matching/enqueue", this.lastPrefs);
      this.applyQueueAnswer(status, body, t0, null);
    } finally {
      this.done();
    }
  }

  /** The answer of enqueue or skip: waiting, in a session, cooldown, or something to re-read. */
  private applyQueueAnswer(status: number, body: any, t0: number, skipped: string | null): void {
    if (skipped && status === 200) this.sessionEnded(skipped, "skip");
    if (status === 200 && body?.status === "in_session") {
      this.sessionStarted(
        (body as Extract<EnqueueResult, { status: "in_session" }>).session.id,
        body.session.partner.nickname,
        true,
      );
    } else if (status === 200 && body?.status === "waiting") {
      // A `matched` that raced ahead of this answer wins (it is newer than the request), also
      // when that call has already ended: the browser's reducer does the same (matchCount).
      if (!(this.lastMatchAt > t0)) this.belief = { status: "waiting", since: t0 };
    } else if (status === 429 && body?.error?.code === "COOLDOWN") {
      this.count("cooldowns");
      this.cooldownUntil = Date.now() + Number(body.error.details?.retryAfterMs ?? 60_000);
      if (this.belief.status !== "in_session") this.becomeIdle();
    } else {
      this.count(status === 0 ? "networkErrors" : `http${status}`);
      void this.resync(`${skipped ? "skip" : "enqueue"} answered ${status} ${body?.error?.code ?? ""}`);
    }
  }

  /** Each side says hello; the leader ends the conversation its way after the hold time. */
  private async converse(sessionId: string): Promise<void> {
    const b = this.world.behavior;
    const inIt = () => this.belief.status === "in_session" && this.belief.sessionId === sessionId;
    if (b.chat) {
      await sleep(20 + Math.random() * 80);
      if (inIt() && !this.world.paused) {
        const r = await this.call("chat", "/api/chat/messages", { sessionId, text: `hi from ${this.nickname}` }, sessionId);
        if (r.status === 200) this.count("chatSent");
      }
    }
    // The member that got the session in an HTTP answer leads; that answer may still be on its
    // way (the `matched` event can be faster). Matched by the sweep: the smaller user id leads.
    const deadline = Date.now() + 1_000;
    while (!this.world.leaders.has(sessionId) && Date.now() < deadline && inIt()) await sleep(20);
    if (!inIt()) return;
    if (!this.world.leaders.has(sessionId)) {
      const partner = this.partner ? this.world.byNickname.get(this.partner) : undefined;
      this.world.leaders.set(sessionId, partner && partner.id < this.id ? partner.id : this.id);
    }
    if (this.world.leaders.get(sessionId) !== this.id) return this.watch(sessionId);
    await sleep(rand(b.holdMs));
    while ((this.world.paused || this.world.held.has(sessionId)) && inIt()) await sleep(200);
    if (inIt()) await this.leave(sessionId, false);
  }

  /** The non-leader ends a session nobody ended (a lost notification or a stuck leader). */
  private async watch(sessionId: string): Promise<void> {
    const inIt = () => this.belief.status === "in_session" && this.belief.sessionId === sessionId;
    let deadline = Date.now() + this.world.behavior.sessionWatchdogMs;
    while (inIt() && Date.now() < deadline) {
      await sleep(250);
      if (this.world.paused || this.world.held.has(sessionId)) deadline = Date.now() + this.world.behavior.sessionWatchdogMs;
    }
    if (inIt()) {
      this.count("watchdogEnds");
      await this.resync("session not ended by its leader");
      if (inIt()) await this.leave(sessionId, true);
    }
  }

  private pickAction(): "skip" | "end" | "block" | "report" {
    const a = this.world.behavior.actions;
    let r = Math.random() * (a.skip + a.end + a.block + a.report);
    for (const k of ["skip", "end", "block", "report"] as const) {
      if ((r -= a[k]) < 0) return k;
    }
    return "end";
  }

  private async leave(sessionId: string, forceEnd: boolean): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const action = forceEnd || this.cooldownUntil > Date.now() ? "end" : this.pickAction();
      this.count(`action_${action}`);
      if (action === "skip") {
        const { status, body, t0 } = await this.call("skip", "/api/matching/skip", {}, sessionId);
        if (status === 409) {
          this.sessionEnded(sessionId, undefined); // the partner ended it first
        } else if (status === 429) {
          this.count("cooldowns");
          this.cooldownUntil = Date.now() + Number(body?.error?.details?.retryAfterMs ?? 60_000);
          this.busy = false;
          await this.resync("skip cooldown");
        } else this.applyQueueAnswer(status, body, t0, sessionId);
        return;
      }
      const path = action === "end" ? "/api/matching/end" : action === "block" ? "/api/blocks" : "/api/reports";
      const payload =
        action === "end" ? {} : action === "block" ? { sessionId } : { sessionId, reason: "spam", details: "bench" };
      const { status } = await this.call(action, path, payload, sessionId);
      if (status === 200 || status === 201) {
        this.sessionEnded(sessionId, action);
        if (action === "end" && this.belief.status !== "idle") this.becomeIdle();
      } else {
        this.count(status === 0 ? "networkErrors" : `http${status}`);
        this.busy = false;
        await this.resync(`${action} answered ${status}`);
      }
    } finally {
      this.done();
    }
  }

  /**
   * The end of a request. A user who became idle while it was out (the `ended` event of their
   * own end can beat its HTTP answer) was not handed back then, being busy: hand them back now,
   * or they are lost to the pool for the rest of the run.
   */
  private done(): void {
    this.busy = false;
    if (this.belief.status === "idle" && !this.inPool) void this.handBack();
  }

  /** Explicit `end` (leave the queue and/or the session): used to wind a run down. */
  async endNow(): Promise<void> {
    const target = this.belief.sessionId;
    const { status } = await this.call("end", "/api/matching/end", {}, target);
    if (status === 200) {
      if (target) this.ended.add(target);
      this.belief = { status: "idle", since: now() };
    }
  }

  /** Current server view, retried across instances during faults. */
  async serverStatus(): Promise<StatusView | null> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const { status, body } = await this.call("status", "/api/matching/status", undefined);
      if (status === 200) return body as StatusView;
      await sleep(300 * (attempt + 1));
    }
    return null;
  }

  /**
   * Re-read /status and compare with the belief; a difference that is still there after the
   * events had time to arrive is logged (the invariant checker decides what it means) and the
   * server's view is adopted.
   */
  async resync(why: string): Promise<boolean> {
    const render = (v: StatusView | null) =>
      v === null ? "unreachable" : v.status === "in_session" ? `in_session ${v.session.id}` : v.status;
    let server = await this.serverStatus();
    if (render(server) === this.describe()) return true;
    await sleep(1_500);
    server = await this.serverStatus();
    const serverText = render(server);
    if (serverText === this.describe()) return true;
    this.world.history.add({ kind: "resync", user: this.id, t: now(), why, believed: this.describe(), server: serverText });
    this.count("resyncMismatches");
    if (server) this.applyStatus(server);
    return false;
  }
}
