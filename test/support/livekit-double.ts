/**
 * An in-process stand-in for a LiveKit server, faithful at the HTTP level (instructions/livekit.md):
 *
 * - RoomService over Twirp JSON: `POST /twirp/livekit.RoomService/<Method>` with a Bearer JWT
 *   (HS256, iss = API key) and the same grant checks and error shapes as the real server, so the
 *   real `RoomServiceClient` can be pointed at it.
 * - The browser's signal connection: WebSocket upgrades on `/rtc` and `/rtc/v1`, and
 *   livekit-client's follow-up `GET …/validate`. Every attempt is recorded (`rtcAttempts`) and
 *   refused; there is no media. Tests assert that the browser reached the configured URL with a
 *   token for the right room and identity.
 * - Webhooks: with `webhookUrl` set, room and participant changes are POSTed there in order,
 *   signed like the real server (test/support/webhook-signer.ts). `sendWebhook` sends any event.
 * - Inspection/control over HTTP under `/_double/*` for tests in another process (e2e, bench).
 * - Faults the real server cannot be made to show on demand (`setFault`): down (the port closed:
 *   connections refused, open ones dropped), slow (every answer held back), or failing (5xx).
 */
import http, { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { decodeJwt, jwtVerify, type JWTPayload } from "jose";
import { ParticipantInfo, ParticipantInfo_State, Room } from "livekit-server-sdk";
import { WEBHOOK_CONTENT_TYPE, makeWebhookEvent, newSid, signWebhook, type WebhookEventInput } from "./webhook-signer";

export interface LivekitDoubleOptions {
  apiKey: string;
  apiSecret: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Where to POST webhooks for room/participant changes; none are sent when unset. */
  webhookUrl?: string;
  now?: () => number;
}

export interface DoubleParticipant {
  identity: string;
  sid: string;
  name: string;
  /** Epoch ms. */
  joinedAt: number;
}

export interface DoubleRoom {
  name: string;
  sid: string;
  emptyTimeout: number;
  departureTimeout: number;
  maxParticipants: number;
  metadata: string;
  /** Epoch ms. */
  creationTime: number;
  participants: Map<string, DoubleParticipant>;
}

export interface DoubleCall {
  method: string;
  room: string | null;
  status: number;
  code?: string;
  /** When the request arrived (a `slow` fault answers later). */
  at: number;
}

export interface RtcAttempt {
  /** `websocket` = the signal connection upgrade; `validate` = livekit-client's HTTP probe after a failure. */
  kind: "websocket" | "validate";
  /** `/rtc`, `/rtc/v1`, `/rtc/validate` or `/rtc/v1/validate`. */
  path: string;
  token: string | null;
  /** Decoded from the token even when it does not verify, to show what the browser sent. */
  identity: string | null;
  room: string | null;
  name: string | null;
  /** Signature, issuer and expiry check out against this double's key and secret. */
  tokenValid: boolean;
  /** The HTTP status the double answered with. */
  status: number;
  error: string;
  at: number;
}

export interface WebhookDelivery {
  url: string;
  id: string;
  event: string;
  room: string | null;
  participant: string | null;
  /** null when the endpoint could not be reached. */
  status: number | null;
  error?: string;
}

/**
 * `down`: nothing listens on the port (connection refused) and open connections are dropped;
 * `slow`: every RoomService and `/rtc` answer is held back `delayMs`; `error`: RoomService
 * answers `status` (default 503) with a Twirp error; `none`: normal service.
 */
export type LivekitFault =
  { mode: "none" } | { mode: "down" } | { mode: "slow"; delayMs: number } | { mode: "error"; status?: number };

export interface SentWebhook {
  id: string;
  body: string;
  status: number;
  responseBody: string;
}

export interface LivekitDouble {
  url: string;
  wsUrl: string;
  port: number;
  apiKey: string;
  apiSecret: string;
  /** Live state; read it, or change it through the methods below. */
  rooms: Map<string, DoubleRoom>;
  calls: DoubleCall[];
  rtcAttempts: RtcAttempt[];
  webhookDeliveries: WebhookDelivery[];
  setWebhookUrl(url: string | undefined): void;
  /** A participant connects (fires participant_joined). The same identity replaces the old sid. */
  addParticipant(room: string, identity: string, options?: { name?: string }): DoubleParticipant;
  /** A participant goes (participant_left, or participant_connection_aborted with `aborted`). */
  removeParticipant(room: string, identity: string, options?: { aborted?: boolean }): boolean;
  /** The room's empty/departure timeout ran out: the room closes (room_finished). */
  expireRoom(room: string): boolean;
  /** Sign `input` like the real server and POST it to `targetUrl`, bypassing the queue. */
  sendWebhook(targetUrl: string, input: WebhookEventInput): Promise<SentWebhook>;
  /** Resolves once every queued automatic webhook was delivered (or failed). */
  flushWebhooks(): Promise<void>;
  roomsSnapshot(): RoomSnapshot[];
  /** Inject a fault (or end it with `{ mode: "none" }`); resolves once it is in effect. */
  setFault(fault: LivekitFault): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export interface RoomSnapshot extends Omit<DoubleRoom, "participants"> {
  participants: DoubleParticipant[];
}

/** Server defaults for a 0 timeout ("0 means server default, not zero"). */
const DEFAULT_EMPTY_TIMEOUT = 300;
const DEFAULT_DEPARTURE_TIMEOUT = 20;
const MAX_BODY_BYTES = 1024 * 1024;

/** A Twirp error response: `{code, msg}` with the matching HTTP status. */
class TwirpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    msg: string,
  ) {
    super(msg);
  }
}

/** A refusal of the real server's auth middleware: plain text, not a Twirp error. */
class AuthMiddlewareFailure extends Error {}

const unauthenticated = (msg: string) => new TwirpFailure(401, "unauthenticated", msg);
const invalidArgument = (msg: string) => new TwirpFailure(400, "invalid_argument", msg);
const notFound = (msg: string) => new TwirpFailure(404, "not_found", msg);

/** A client-visible failure of a control call (`/_double/*` or the methods). */
export class LivekitDoubleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "LivekitDoubleError";
  }
}

type JsonObject = Record<string, unknown>;
type VideoClaims = { roomCreate?: boolean; roomList?: boolean; roomAdmin?: boolean; roomJoin?: boolean; room?: string };

interface TwirpMethod {
  /** The grant the real server requires; `room` is the request's room. */
  allowed(video: VideoClaims, room: string | null): boolean;
  grantName: string;
  run(body: JsonObject): unknown;
}

export async function startLivekitDouble(options: LivekitDoubleOptions): Promise<LivekitDouble> {
  const { apiKey, apiSecret } = options;
  const now = options.now ?? Date.now;
  const secret = new TextEncoder().encode(apiSecret);
  let webhookUrl = options.webhookUrl;

  const rooms = new Map<string, DoubleRoom>();
  const calls: DoubleCall[] = [];
  const rtcAttempts: RtcAttempt[] = [];
  const webhookDeliveries: WebhookDelivery[] = [];
  let webhookQueue: Promise<void> = Promise.resolve();
  let fault: LivekitFault = { mode: "none" };

  // ---- webhooks ------------------------------------------------------------------------------

  async function post(targetUrl: string, input: WebhookEventInput): Promise<SentWebhook & { event: string }> {
    const built = makeWebhookEvent(input);
    const response = await fetch(targetUrl, {
      method: "POST",
      headers: { "content-type": WEBHOOK_CONTENT_TYPE, authorization: await signWebhook(built.body, { apiKey, apiSecret }) },
      body: built.body,
      signal: AbortSignal.timeout(10_000),
    });
    return { id: built.id, body: built.body, status: response.status, responseBody: await response.text(), event: input.event };
  }

  /** Like the real server: per-room order, one at a time; failures are recorded, not retried. */
  function emit(input: WebhookEventInput) {
    const target = webhookUrl;
    if (!target) return;
    // Build now so createdAt and sids reflect the moment of the change, send in order later.
    const stamped: WebhookEventInput = { ...input, id: input.id ?? newSid("EV"), createdAtSeconds: Math.floor(now() / 1000) };
    const roomName = typeof stamped.room === "string" ? stamped.room : (stamped.room?.name ?? null);
    const record: WebhookDelivery = {
      url: target,
      id: stamped.id!,
      event: stamped.event,
      room: roomName,
      participant: stamped.participant?.identity ?? null,
      status: null,
    };
    webhookQueue = webhookQueue.then(async () => {
      try {
        record.status = (await post(target, stamped)).status;
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
      }
      webhookDeliveries.push(record);
    });
  }

  const roomInput = (room: DoubleRoom) => ({
    name: room.name,
    sid: room.sid,
    creationTimeMs: room.creationTime,
    metadata: room.metadata,
    emptyTimeout: room.emptyTimeout,
    departureTimeout: room.departureTimeout,
    maxParticipants: room.maxParticipants,
    numParticipants: room.participants.size,
  });
  const participantInput = (p: DoubleParticipant) => ({ identity: p.identity, sid: p.sid, name: p.name, joinedAtMs: p.joinedAt });

  // ---- room model ----------------------------------------------------------------------------

  function requireRoom(name: string): DoubleRoom {
    const room = rooms.get(name);
    if (!room) throw notFound("requested room does not exist");
    return room;
  }

  function addParticipant(roomName: string, identity: string, opts: { name?: string } = {}): DoubleParticipant {
    const room = rooms.get(roomName);
    if (!room) throw new LivekitDoubleError(404, `room ${roomName} does not exist (auto_create is off)`);
    if (!identity) throw new LivekitDoubleError(400, "identity is required");
    const previous = room.participants.get(identity);
    if (previous) {
      // DUPLICATE_IDENTITY: the old connection is kicked, the new one gets a new sid.
      room.participants.delete(identity);
      emit({ event: "participant_left", room: roomInput(room), participant: participantInput(previous) });
    } else if (room.maxParticipants > 0 && room.participants.size >= room.maxParticipants) {
      throw new LivekitDoubleError(409, `room ${roomName} is full (${room.maxParticipants})`);
    }
    const participant: DoubleParticipant = { identity, sid: newSid("PA"), name: opts.name ?? "", joinedAt: now() };
    room.participants.set(identity, participant);
    emit({ event: "participant_joined", room: roomInput(room), participant: participantInput(participant) });
    return participant;
  }

  function removeParticipant(roomName: string, identity: string, opts: { aborted?: boolean } = {}): boolean {
    const room = rooms.get(roomName);
    const participant = room?.participants.get(identity);
    if (!room || !participant) return false;
    room.participants.delete(identity);
    emit({
      event: opts.aborted ? "participant_connection_aborted" : "participant_left",
      room: roomInput(room),
      participant: participantInput(participant),
    });
    return true;
  }

  function closeRoom(room: DoubleRoom) {
    for (const participant of [...room.participants.values()]) removeParticipant(room.name, participant.identity);
    rooms.delete(room.name);
    emit({ event: "room_finished", room: roomInput(room) });
  }

  function expireRoom(roomName: string): boolean {
    const room = rooms.get(roomName);
    if (!room) return false;
    closeRoom(room);
    return true;
  }

  const roomJson = (room: DoubleRoom) =>
    new Room({
      sid: room.sid,
      name: room.name,
      emptyTimeout: room.emptyTimeout,
      departureTimeout: room.departureTimeout,
      maxParticipants: room.maxParticipants,
      creationTime: BigInt(Math.floor(room.creationTime / 1000)),
      creationTimeMs: BigInt(room.creationTime),
      metadata: room.metadata,
      numParticipants: room.participants.size,
    }).toJson();

  const participantJson = (p: DoubleParticipant) =>
    new ParticipantInfo({
      sid: p.sid,
      identity: p.identity,
      name: p.name,
      state: ParticipantInfo_State.ACTIVE,
      joinedAt: BigInt(Math.floor(p.joinedAt / 1000)),
      joinedAtMs: BigInt(p.joinedAt),
    }).toJson();

  function roomsSnapshot(): RoomSnapshot[] {
    return [...rooms.values()].map((room) => ({ ...room, participants: [...room.participants.values()] }));
  }

  // ---- RoomService ---------------------------------------------------------------------------

  const roomCreate = { grantName: "roomCreate", allowed: (v: VideoClaims) => v.roomCreate === true };
  const roomAdmin = {
    grantName: "roomAdmin for this room",
    allowed: (v: VideoClaims, room: string | null) => v.roomAdmin === true && !!room && v.room === room,
  };

  const methods: Record<string, TwirpMethod> = {
    CreateRoom: {
      ...roomCreate,
      run(body) {
        const name = stringField(body, ["name"], true);
        const emptyTimeout = uintField(body, ["emptyTimeout", "empty_timeout"]);
        const departureTimeout = uintField(body, ["departureTimeout", "departure_timeout"]);
        const maxParticipants = uintField(body, ["maxParticipants", "max_participants"]);
        const metadata = stringField(body, ["metadata"], false);
        const existing = rooms.get(name);
        if (existing) {
          // Idempotent: an existing room is updated with the non-default values given.
          if (emptyTimeout > 0) existing.emptyTimeout = emptyTimeout;
          if (departureTimeout > 0) existing.departureTimeout = departureTimeout;
          if (maxParticipants > 0) existing.maxParticipants = maxParticipants;
          if (metadata) existing.metadata = metadata;
          return roomJson(existing);
        }
        const room: DoubleRoom = {
          name,
          sid: newSid("RM"),
          emptyTimeout: emptyTimeout || DEFAULT_EMPTY_TIMEOUT,
          departureTimeout: departureTimeout || DEFAULT_DEPARTURE_TIMEOUT,
          maxParticipants,
          metadata,
          creationTime: now(),
          participants: new Map(),
        };
        rooms.set(name, room);
        emit({ event: "room_started", room: roomInput(room) });
        return roomJson(room);
      },
    },
    DeleteRoom: {
      ...roomCreate,
      run(body) {
        closeRoom(requireRoom(stringField(body, ["room"], true)));
        return {};
      },
    },
    ListRooms: {
      grantName: "roomList",
      allowed: (v) => v.roomList === true,
      run(body) {
        const names = body.names;
        if (names !== undefined && (!Array.isArray(names) || names.some((n) => typeof n !== "string"))) {
          throw invalidArgument("names must be a list of strings");
        }
        const wanted = names && (names as string[]).length > 0 ? new Set(names as string[]) : null;
        return { rooms: [...rooms.values()].filter((r) => !wanted || wanted.has(r.name)).map(roomJson) };
      },
    },
    ListParticipants: {
      ...roomAdmin,
      run(body) {
        const room = requireRoom(stringField(body, ["room"], true));
        return { participants: [...room.participants.values()].map(participantJson) };
      },
    },
    GetParticipant: {
      ...roomAdmin,
      run(body) {
        const room = requireRoom(stringField(body, ["room"], true));
        const participant = room.participants.get(stringField(body, ["identity"], true));
        if (!participant) throw notFound("participant does not exist");
        return participantJson(participant);
      },
    },
    RemoveParticipant: {
      ...roomAdmin,
      run(body) {
        const room = requireRoom(stringField(body, ["room"], true));
        const identity = stringField(body, ["identity"], true);
        if (!removeParticipant(room.name, identity)) throw notFound("participant does not exist");
        return {};
      },
    },
    UpdateRoomMetadata: {
      ...roomAdmin,
      run(body) {
        const room = requireRoom(stringField(body, ["room"], true));
        room.metadata = stringField(body, ["metadata"], false);
        return roomJson(room);
      },
    },
  };

  async function handleTwirp(req: IncomingMessage, res: ServerResponse, methodName: string, arrivedAt = now()) {
    const call: DoubleCall = { method: methodName, room: null, status: 200, at: arrivedAt };
    calls.push(call);
    try {
      if (fault.mode === "error") throw new TwirpFailure(fault.status ?? 503, "unavailable", "livekit double: injected failure");
      const method = methods[methodName];
      if (req.method !== "POST" || !method) throw new TwirpFailure(404, "bad_route", `no handler for ${req.method} ${req.url}`);
      if (!(req.headers["content-type"] ?? "").toLowerCase().startsWith("application/json")) {
        throw new TwirpFailure(404, "bad_route", "unexpected Content-Type; this double speaks Twirp JSON only");
      }
      const claims = await verifyBearer(req.headers.authorization);
      const body = parseTwirpBody(await readBody(req));
      const room = typeof body.room === "string" ? body.room : typeof body.name === "string" ? body.name : null;
      call.room = room;
      if (!method.allowed(claims.video ?? {}, room))
        throw unauthenticated(`permissions denied: ${methodName} needs ${method.grantName}`);
      sendJson(res, 200, method.run(body));
    } catch (error) {
      if (error instanceof AuthMiddlewareFailure) {
        call.status = 401;
        return sendText(res, 401, error.message);
      }
      const failure = error instanceof TwirpFailure ? error : new TwirpFailure(500, "internal", String(error));
      call.status = failure.status;
      call.code = failure.code;
      sendJson(res, failure.status, { code: failure.code, msg: failure.message });
    }
  }

  /**
   * The real server's auth middleware: no header means no grants (the method's permission check
   * then refuses with a Twirp 401); a header that is not a good bearer is refused here, in plain
   * text, before any Twirp handling.
   */
  async function verifyBearer(header: string | undefined): Promise<JWTPayload & { video?: VideoClaims }> {
    if (!header) return {};
    if (!header.startsWith("Bearer ")) throw new AuthMiddlewareFailure("invalid authorization header. Must start with Bearer ");
    const token = header.slice("Bearer ".length);
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new AuthMiddlewareFailure("invalid authorization token");
    }
    if (issuer !== apiKey) throw new AuthMiddlewareFailure(`invalid API key: ${issuer ?? ""}`);
    try {
      const { payload } = await jwtVerify(token, secret, { issuer: apiKey, algorithms: ["HS256"] });
      return payload as JWTPayload & { video?: VideoClaims };
    } catch (error) {
      throw new AuthMiddlewareFailure(`invalid token: ${token}, error: ${(error as Error).message}`);
    }
  }

  // ---- signal connection (/rtc) --------------------------------------------------------------

  async function inspectRtc(kind: RtcAttempt["kind"], path: string, url: URL): Promise<RtcAttempt> {
    const token = url.searchParams.get("access_token");
    const attempt: RtcAttempt = {
      kind,
      path,
      token,
      identity: null,
      room: null,
      name: null,
      tokenValid: false,
      status: 401,
      error: "",
      at: now(),
    };
    rtcAttempts.push(attempt);
    if (!token) {
      attempt.error = "no access_token";
      return attempt;
    }
    let video: VideoClaims = {};
    try {
      const decoded = decodeJwt(token) as JWTPayload & { video?: VideoClaims; name?: string };
      attempt.identity = decoded.sub ?? null;
      attempt.room = decoded.video?.room ?? null;
      attempt.name = decoded.name ?? null;
      video = decoded.video ?? {};
    } catch {
      attempt.error = "invalid token: not a JWT";
      return attempt;
    }
    try {
      await jwtVerify(token, secret, { issuer: apiKey, algorithms: ["HS256"], requiredClaims: ["exp"] });
      attempt.tokenValid = true;
    } catch (error) {
      attempt.error = `invalid token: ${(error as Error).message}`;
      return attempt;
    }
    if (path.startsWith("/rtc/v1") && Object.keys(video).length > 0 && !url.searchParams.get("join_request")) {
      // v1 carries the join request itself; the real server checks for it before the grants.
      attempt.status = 400;
      attempt.error = "join_request is required";
    } else if (!video.roomJoin || !video.room || !attempt.identity) {
      attempt.error = "permissions denied: token has no roomJoin grant for a room";
    } else if (!rooms.has(video.room)) {
      // livekit-client shows this text as a NotAllowed ConnectionError.
      attempt.status = 404;
      attempt.error = "requested room does not exist";
    } else {
      attempt.status = 503;
      attempt.error = "livekit double: token accepted, but this test double carries no media";
    }
    return attempt;
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex) {
    socket.on("error", () => {});
    const url = new URL(req.url ?? "/", "http://double");
    const path = url.pathname.replace(/\/+$/, "");
    let status = 404;
    let message = "not found";
    if (path === "/rtc" || path === "/rtc/v1") {
      const attempt = await inspectRtc("websocket", path, url);
      status = attempt.status;
      message = attempt.error;
    }
    // Refuse the upgrade with a plain HTTP answer, as the real server does for a bad token.
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\n` +
        `access-control-allow-origin: *\r\nconnection: close\r\n\r\n${message}`,
    );
  }

  // ---- control endpoints (/_double) ----------------------------------------------------------

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string) {
    const route = `${req.method} ${path}`;
    try {
      switch (route) {
        case "GET /_double/rooms":
          return sendJson(res, 200, roomsSnapshot());
        case "GET /_double/calls":
          return sendJson(res, 200, calls);
        case "GET /_double/rtc-attempts":
          return sendJson(res, 200, rtcAttempts);
        case "GET /_double/webhooks":
          await webhookQueue;
          return sendJson(res, 200, webhookDeliveries);
        case "POST /_double/reset":
          reset();
          return sendJson(res, 200, { ok: true });
        case "POST /_double/fault": {
          // `down` closes this very port, so over HTTP it only comes with `forMs` (then it ends by itself).
          const body = await readJsonObject(req);
          const next = parseFault(body);
          const forMs = typeof body.forMs === "number" && body.forMs > 0 ? body.forMs : null;
          if (next.mode === "down" && forMs === null) throw new LivekitDoubleError(400, "down over HTTP needs forMs");
          sendJson(res, 200, { fault: next });
          await setFault(next);
          if (forMs !== null) setTimeout(() => void setFault({ mode: "none" }), forMs).unref();
          return;
        }
        case "POST /_double/webhook-url": {
          const body = await readJsonObject(req);
          const url = body.url;
          if (url !== null && typeof url !== "string") throw new LivekitDoubleError(400, "url must be a string or null");
          webhookUrl = url ?? undefined;
          return sendJson(res, 200, { webhookUrl: webhookUrl ?? null });
        }
        case "POST /_double/participants": {
          const body = await readJsonObject(req);
          const participant = addParticipant(String(body.room ?? ""), String(body.identity ?? ""), {
            name: typeof body.name === "string" ? body.name : undefined,
          });
          return sendJson(res, 201, participant);
        }
        case "POST /_double/participants/leave": {
          const body = await readJsonObject(req);
          const removed = removeParticipant(String(body.room ?? ""), String(body.identity ?? ""), {
            aborted: body.aborted === true,
          });
          return sendJson(res, removed ? 200 : 404, { removed });
        }
        case "POST /_double/rooms/expire": {
          const body = await readJsonObject(req);
          const expired = expireRoom(String(body.room ?? ""));
          return sendJson(res, expired ? 200 : 404, { expired });
        }
        default:
          return sendJson(res, 404, { error: `no double route ${route}` });
      }
    } catch (error) {
      const status = error instanceof LivekitDoubleError ? error.status : 500;
      return sendJson(res, status, { error: (error as Error).message });
    }
  }

  function reset() {
    rooms.clear();
    calls.length = 0;
    rtcAttempts.length = 0;
    webhookDeliveries.length = 0;
  }

  // ---- faults --------------------------------------------------------------------------------

  let listening = false;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(boundPort, options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        listening = true;
        boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });

  async function setFault(next: LivekitFault) {
    fault = next;
    if (next.mode === "down" && listening) {
      listening = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    } else if (next.mode !== "down" && !listening) await listen();
  }

  const slowly = (run: () => void) => (fault.mode === "slow" ? void setTimeout(run, fault.delayMs) : run());

  // ---- server --------------------------------------------------------------------------------

  let boundPort = options.port ?? 0;
  const server = http.createServer((req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    const url = new URL(req.url ?? "/", "http://double");
    const path = url.pathname;
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers": "authorization, content-type, x-livekit-request-id",
      });
      res.end();
      return;
    }
    if (path.startsWith("/_double/")) return void handleControl(req, res, path);
    const twirp = /^\/twirp\/livekit\.RoomService\/([A-Za-z]+)$/.exec(path);
    if (twirp) {
      const arrivedAt = now();
      return slowly(() => void handleTwirp(req, res, twirp[1], arrivedAt));
    }
    if (req.method === "GET" && (path === "/rtc/validate" || path === "/rtc/v1/validate")) {
      return slowly(() => void inspectRtc("validate", path, url).then((attempt) => sendText(res, attempt.status, attempt.error)));
    }
    // The real server answers its root with "OK" (used as a health check).
    if (req.method === "GET" && path === "/") return sendText(res, 200, "OK");
    sendText(res, 404, "404 page not found");
  });
  server.on("upgrade", (req, socket) => slowly(() => void handleUpgrade(req, socket)));

  await listen();
  // Kept across a `down` fault: the port comes back the same.
  const port = boundPort;
  const host = options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1";

  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}`,
    port,
    apiKey,
    apiSecret,
    rooms,
    calls,
    rtcAttempts,
    webhookDeliveries,
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    addParticipant,
    removeParticipant,
    expireRoom,
    async sendWebhook(targetUrl, input) {
      const { id, body, status, responseBody } = await post(targetUrl, input);
      return { id, body, status, responseBody };
    },
    flushWebhooks: async () => {
      // Deliveries can enqueue nothing new, but await until the chain stops growing.
      let last: Promise<void>;
      do {
        last = webhookQueue;
        await last;
      } while (last !== webhookQueue);
    },
    roomsSnapshot,
    setFault,
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        fault = { mode: "none" };
        if (!listening) return resolve();
        listening = false;
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function parseFault(body: JsonObject): LivekitFault {
  switch (body.mode) {
    case "none":
    case "down":
      return { mode: body.mode };
    case "slow":
      if (typeof body.delayMs !== "number" || body.delayMs < 0) throw new LivekitDoubleError(400, "slow needs delayMs >= 0");
      return { mode: "slow", delayMs: body.delayMs };
    case "error": {
      const status = body.status === undefined ? 503 : body.status;
      if (typeof status !== "number" || status < 500 || status > 599)
        throw new LivekitDoubleError(400, "error needs a 5xx status");
      return { mode: "error", status };
    }
    default:
      throw new LivekitDoubleError(400, "mode must be none, down, slow or error");
  }
}

// ---- HTTP helpers ----------------------------------------------------------------------------

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  // Exactly `application/json`: the SDK only parses Twirp errors with this content type.
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new TwirpFailure(400, "malformed", "request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseTwirpBody(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = text.trim() === "" ? {} : JSON.parse(text);
  } catch (error) {
    // Twirp's own code for an undecodable body.
    throw new TwirpFailure(400, "malformed", `the json request could not be decoded: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw invalidArgument("request body must be a JSON object");
  return parsed as JsonObject;
}

async function readJsonObject(req: IncomingMessage): Promise<JsonObject> {
  try {
    return parseTwirpBody(await readBody(req));
  } catch (error) {
    throw new LivekitDoubleError(400, (error as Error).message);
  }
}

/** protobuf JSON accepts the json name and the proto field name. */
function pick(body: JsonObject, names: string[]): unknown {
  for (const name of names) if (body[name] !== undefined && body[name] !== null) return body[name];
  return undefined;
}

function stringField(body: JsonObject, names: string[], required: boolean): string {
  const value = pick(body, names);
  if (value === undefined) {
    if (required) throw invalidArgument(`${names[0]} is required`);
    return "";
  }
  if (typeof value !== "string") throw invalidArgument(`${names[0]} must be a string`);
  if (required && value.trim() === "") throw invalidArgument(`${names[0]} is required`);
  return value;
}

function uintField(body: JsonObject, names: string[]): number {
  const value = pick(body, names);
  if (value === undefined) return 0;
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || number < 0 || number > 0xffffffff) {
    throw invalidArgument(`${names[0]} must be an unsigned 32-bit integer`);
  }
  return number;
}
