import "server-only";
import { windowEntryFrom, type WindowEntry } from "../redis-codec";
import type { WindowRead } from "../window-snapshot";
import type { FunctionProtocol } from "./header";

/** window (lua/window.lua): the candidate window in FIFO order with its tickets, and the newest queue score. */
export const windowFunction: FunctionProtocol<[], WindowRead> = {
  name: "window",
  args: () => [],
  // {newest score, ids…, tickets…} (a ticket gone meanwhile is "")
  decode: (value) => {
    const reply = value as string[];
    const n = (reply.length - 1) / 2;
    const entries: WindowEntry[] = [];
    for (let i = 1; i <= n; i++) {
      const ticket = reply[i + n];
      if (ticket) entries.push(windowEntryFrom(reply[i]!, ticket));
    }
    return { newestScore: reply[0]!, entries };
  },
};
