import "server-only";

/** Observers of HTTP errors (metrics); kept as a hook so the HTTP layer doesn't import ops. */
const listeners: ((code: string) => void)[] = [];

export function onHttpError(code: string): void {
  for (const listener of listeners) listener(code);
}

export function addHttpErrorListener(listener: (code: string) => void): void {
  listeners.push(listener);
}
