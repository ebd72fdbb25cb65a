import "server-only";
import { RoomServiceClient, ServerError, type Room } from "livekit-server-sdk";
import { LivekitUnavailableError } from "./errors";
import { isSessionRoom, roomNameForSession } from "./room-names";

/**
 * Session rooms on the LiveKit server (instructions/livekit.md "Rules"): one room per match session, created by
 * the server, deleted when the session ends. Only this module talks to RoomService.
 */

export interface LivekitRoomsConfig {
  /** http(s) URL of the LiveKit server (ws(s) is accepted and converted by the SDK). */
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
  /** This deployment's room prefix (default: the one configured for the process, room-names.ts). */
  roomPrefix?: string;
  /** Per-request timeout; a hung LiveKit must not hang a match. */
  requestTimeoutSeconds?: number;
}

/** Room settings of instructions/livekit.md "Rules". Timeouts are seconds; 0 would mean "server default". */
export const SESSION_ROOM_SETTINGS = {
  maxParticipants: 2,
  /** Close a room nobody joined (or everyone left) after a minute. */
  emptyTimeout: 60,
  /** Close a room 15 s after the last participant left. */
  departureTimeout: 15,
} as const;

export interface SessionRoomInfo {
  name: string;
  sid: string;
  numParticipants: number;
  /** Creation time in epoch milliseconds. */
  creationTime: number;
}

export interface LivekitRooms {
  /** Creates (or, CreateRoom being idempotent, re-applies settings to) `<prefix>_<sessionId>`. */
  createSessionRoom(sessionId: string): Promise<SessionRoomInfo>;
  /** Deletes a room. Resolves true when it is gone, including when it already was (404). */
  deleteRoom(name: string): Promise<true>;
  /** Every room named `<prefix>_*` the server knows about (for the cleanup cron). */
  listSessionRooms(): Promise<SessionRoomInfo[]>;
}

export function createLivekitRooms(config: LivekitRoomsConfig): LivekitRooms {
  const client = new RoomServiceClient(config.apiUrl, config.apiKey, config.apiSecret, {
    requestTimeout: config.requestTimeoutSeconds ?? 5,
  });

  return {
    async createSessionRoom(sessionId) {
      const name = roomNameForSession(sessionId, config.roomPrefix);
      const room = await call(`CreateRoom ${name}`, () =>
        client.createRoom({ name, ...SESSION_ROOM_SETTINGS, metadata: JSON.stringify({ sessionId }) }),
      );
      return toInfo(room);
    },

    async deleteRoom(name) {
      try {
        await client.deleteRoom(name);
      } catch (error) {
        if (isNotFound(error)) return true; // already gone: the goal is reached
        throw toUnavailable(`DeleteRoom ${name}`, error);
      }
      return true;
    },

    async listSessionRooms() {
      const rooms = await call("ListRooms", () => client.listRooms());
      // Only this deployment's rooms: the cron deletes what it lists (another deployment on the
      // same LiveKit project has another prefix).
      return rooms.filter((room) => isSessionRoom(room.name, config.roomPrefix)).map(toInfo);
    },
  };
}

async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toUnavailable(operation, error);
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof ServerError && (error.status === 404 || error.code === "not_found");
}

function toUnavailable(operation: string, error: unknown): LivekitUnavailableError {
  if (error instanceof ServerError) {
    return new LivekitUnavailableError(operation, { status: error.status, code: error.code, message: error.message }, error);
  }
  const message = error instanceof Error ? describeTransportError(error) : String(error);
  return new LivekitUnavailableError(operation, { message }, error);
}

/** fetch() hides the useful part ("ECONNREFUSED 127.0.0.1:7880") in `cause`. */
function describeTransportError(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error && cause.message) return `${error.message} (${cause.message})`;
  return error.message;
}

/** protobuf int64 fields arrive as bigint; the rest of the app wants plain numbers. */
function toInfo(room: Room): SessionRoomInfo {
  const creationMs = room.creationTimeMs > 0n ? room.creationTimeMs : room.creationTime * 1000n;
  return {
    name: room.name,
    sid: room.sid,
    numParticipants: room.numParticipants,
    creationTime: Number(creationMs),
  };
}
