/**
 * A TCP proxy in front of a server (the fault run's private Postgres) that can be made slow:
 * with a delay set, every chunk in either direction is handed on that many ms after it arrived,
 * in order — a server (or network) that answers late, whatever the query. With no delay it is a
 * plain pipe. It mirrors the server's availability: when the upstream refuses a connection the
 * client's is reset, and when the upstream closes (a shutdown) the client's is closed.
 */
import net from "node:net";

export interface DelayProxy {
  url(database: string): string;
  port: number;
  /** Delay per direction, ms (0: none). Applies to bytes arriving from now on, on every connection. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export async function startDelayProxy(upstream: { host: string; port: number }, preferredPort: number): Promise<DelayProxy> {
  let delay = 0;
  const sockets = new Set<net.Socket>();

  /** Forwards `from` → `to`, each chunk after the delay current at its arrival, order kept. */
  function pipe(from: net.Socket, to: net.Socket) {
    let chain = Promise.resolve();
    let releaseAt = 0;
    from.on("data", (chunk) => {
      const wait = delay;
      if (wait === 0 && releaseAt <= Date.now()) {
        if (!to.destroyed) to.write(chunk);
        return;
      }
      // Never overtake a chunk still held back.
      releaseAt = Math.max(releaseAt, Date.now() + wait);
      const at = releaseAt;
      chain = chain.then(
        () =>
          new Promise<void>((resolve) =>
            setTimeout(
              () => {
                if (!to.destroyed) to.write(chunk);
                resolve();
              },
              Math.max(0, at - Date.now()),
            ),
          ),
      );
    });
    from.on("end", () => void chain.then(() => to.end()));
    from.on("error", () => void chain.then(() => to.destroy()));
    from.on("close", () => void chain.then(() => to.destroy()));
  }

  const server = net.createServer((client) => {
    sockets.add(client);
    client.pause();
    const up = net.connect(upstream.port, upstream.host);
    sockets.add(up);
    let connected = false;
    client.on("close", () => sockets.delete(client));
    up.on("close", () => sockets.delete(up));
    client.on("error", () => {});
    up.once("connect", () => {
      connected = true;
      pipe(client, up);
      pipe(up, client);
      client.resume();
    });
    up.on("error", () => {
      // Refused before it was connected: the client sees a reset, as close to "refused" as a proxy gets.
      if (!connected) client.resetAndDestroy();
    });
  });
  let port = preferredPort;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (ok) break;
    if (++port > preferredPort + 50) throw new Error(`no free port for the delay proxy from ${preferredPort}`);
  }
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    setDelay(ms) {
      delay = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
