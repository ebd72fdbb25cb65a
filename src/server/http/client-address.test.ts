import { describe, expect, it } from "vitest";
import { clientAddressFrom, SHARED_BUCKET, UNTRUSTED_BUCKET } from "./client-address";

const h = (xff?: string, extra: Record<string, string> = {}) =>
  new Headers({ ...(xff !== undefined ? { "x-forwarded-for": xff } : {}), ...extra });

describe("clientAddressFrom", () => {
  it("with no trusted proxy ignores every forwarding header: one shared bucket", () => {
    expect(clientAddressFrom(h("1.1.1.1"), 0)).toBe(SHARED_BUCKET);
    expect(clientAddressFrom(h("6.6.6.6, 1.1.1.1", { "x-real-ip": "7.7.7.7" }), 0)).toBe(SHARED_BUCKET);
    expect(clientAddressFrom(h(undefined, { "x-real-ip": "7.7.7.7" }), 0)).toBe(SHARED_BUCKET);
  });

  it("counts trusted proxies from the right, never taking an entry the client wrote", () => {
    expect(clientAddressFrom(h("203.0.113.9"), 1)).toBe("203.0.113.9");
    // The client forged a prefix; the proxy appended the real address.
    expect(clientAddressFrom(h("6.6.6.6, 203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientAddressFrom(h("6.6.6.6,5.5.5.5 ,  203.0.113.9"), 1)).toBe("203.0.113.9");
    // Two proxies: the outer one appended the client, the inner one the outer proxy.
    expect(clientAddressFrom(h("6.6.6.6, 203.0.113.9, 10.0.0.2"), 2)).toBe("203.0.113.9");
  });

  it("refuses to trust anything when the request did not pass all the proxies", () => {
    expect(clientAddressFrom(h(), 1)).toBe(UNTRUSTED_BUCKET);
    expect(clientAddressFrom(h("203.0.113.9"), 2)).toBe(UNTRUSTED_BUCKET);
    expect(clientAddressFrom(h("6.6.6.6, "), 1)).toBe(UNTRUSTED_BUCKET);
    expect(clientAddressFrom(h(undefined, { "x-real-ip": "7.7.7.7" }), 1)).toBe(UNTRUSTED_BUCKET);
  });

  it("normalises ports, brackets and case so one client is one bucket", () => {
    expect(clientAddressFrom(h("203.0.113.9:51234"), 1)).toBe("203.0.113.9");
    expect(clientAddressFrom(h("[2001:DB8::1]:443"), 1)).toBe("2001:db8::1");
    expect(clientAddressFrom(h("2001:DB8::1"), 1)).toBe("2001:db8::1");
    expect(clientAddressFrom(h("x".repeat(500)), 1)).toHaveLength(64);
  });
});
