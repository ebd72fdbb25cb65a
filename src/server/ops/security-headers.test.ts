import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { middleware } from "../../../middleware";
import { livekitConnectSources, newCspNonce, securityHeaders, type SecurityHeader } from "./security-headers";

const nonce = "c2VjcmV0LW5vbmNlLTEyMzQ1Ng==";

const asMap = (headers: SecurityHeader[]) => Object.fromEntries(headers.map((h) => [h.key, h.value]));

function cspDirectives(headers: SecurityHeader[]): Record<string, string[]> {
  const csp = asMap(headers)["Content-Security-Policy"];
  return Object.fromEntries(
    csp.split(";").map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe("securityHeaders", () => {
  const dev = securityHeaders({ livekitUrl: "ws://localhost:7880", production: false, nonce });
  const prod = securityHeaders({ livekitUrl: "wss://rtc.example.org", production: true, nonce });

  it("sets the fixed headers in every mode", () => {
    for (const headers of [dev, prod]) {
      const h = asMap(headers);
      expect(h["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
      expect(h["Permissions-Policy"]).toBe("camera=(self), microphone=(self), display-capture=(), geolocation=()");
      expect(h["X-Content-Type-Options"]).toBe("nosniff");
      expect(h["X-Frame-Options"]).toBe("DENY");
      expect(headers.every((x) => typeof x.key === "string" && typeof x.value === "string" && x.value !== "")).toBe(true);
    }
  });

  it("sends HSTS only in production", () => {
    expect(asMap(dev)["Strict-Transport-Security"]).toBeUndefined();
    expect(asMap(prod)["Strict-Transport-Security"]).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
  });

  it("builds the CSP for production", () => {
    const d = cspDirectives(prod);
    expect(d["default-src"]).toEqual(["'self'"]);
    // Only scripts with this response's nonce, and what they load: no inline script an attacker
    // injects, no eval; WebAssembly may compile (the nudity guard's kernels).
    expect(d["script-src"]).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", "'wasm-unsafe-eval'"]);
    expect(d["style-src"]).toEqual(["'self'", "'unsafe-inline'"]);
    expect(d["img-src"]).toEqual(["'self'", "data:", "blob:"]);
    expect(d["media-src"]).toEqual(["'self'", "blob:"]);
    expect(d["connect-src"]).toEqual(["'self'", "wss://rtc.example.org", "https://rtc.example.org"]);
    expect(d["frame-ancestors"]).toEqual(["'none'"]);
    expect(d["object-src"]).toEqual(["'none'"]);
    expect(d["upgrade-insecure-requests"]).toEqual([]);
  });

  it("allows eval only for the development server, and plain ws/http LiveKit in dev", () => {
    const d = cspDirectives(dev);
    expect(d["script-src"]).toContain("'unsafe-eval'");
    expect(d["connect-src"]).toEqual(["'self'", "ws://localhost:7880", "http://localhost:7880"]);
    expect(d["upgrade-insecure-requests"]).toBeUndefined();
  });

  it("adds extra connect sources", () => {
    const d = cspDirectives(
      securityHeaders({
        livekitUrl: "wss://rtc.example.org",
        production: true,
        nonce,
        extraConnectSrc: ["https://o1.ingest.example"],
      }),
    );
    expect(d["connect-src"]).toContain("https://o1.ingest.example");
  });
});

describe("livekitConnectSources", () => {
  it("pairs ws/wss with http/https and keeps the port", () => {
    expect(livekitConnectSources("wss://lk.example.com:7443/some/path")).toEqual([
      "wss://lk.example.com:7443",
      "https://lk.example.com:7443",
    ]);
    expect(livekitConnectSources("http://127.0.0.1:7880")).toEqual(["ws://127.0.0.1:7880", "http://127.0.0.1:7880"]);
  });

  it("allows LiveKit Cloud's regional hosts", () => {
    expect(livekitConnectSources("wss://myapp-abc123.livekit.cloud")).toEqual([
      "wss://myapp-abc123.livekit.cloud",
      "https://myapp-abc123.livekit.cloud",
      "wss://*.livekit.cloud",
      "https://*.livekit.cloud",
    ]);
  });

  it("rejects a non-LiveKit scheme", () => {
    expect(() => livekitConnectSources("ftp://x.example")).toThrow(/ws\(s\)/);
    expect(() => livekitConnectSources("not a url")).toThrow();
  });
});

describe("script nonces", () => {
  it("are 128 random bits in base64, new every time, and refused when malformed", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => newCspNonce()));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
    expect(() => securityHeaders({ livekitUrl: "ws://localhost:7880", production: true, nonce: "x' 'unsafe-inline" })).toThrow(
      /nonce/,
    );
  });

  it("the proxy gives every response its own nonce and hands the same CSP to the page render", () => {
    const run = () =>
      middleware(new NextRequest("http://localhost:3000/video-chat", { headers: { cookie: "next-auth.session-token=x" } }));
    const [first, second] = [run(), run()];
    const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
    const csp = first.headers.get("content-security-policy");
    expect(/script-src ([^;]*)/.exec(csp!)![1]).not.toContain("'unsafe-inline'");
    expect(csp).toMatch(/script-src [^;]*'strict-dynamic'/);
    expect(nonceOf(csp)).toBeTruthy();
    expect(nonceOf(second.headers.get("content-security-policy"))).not.toBe(nonceOf(csp));
    // NextResponse.next({ request: { headers } }) forwards the request headers the render reads.
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
    expect(first.headers.get("x-middleware-request-x-nonce")).toBe(nonceOf(csp));
    // Early answers carry it too.
    const anon = middleware(new NextRequest("http://localhost:3000/api/matching/status"));
    expect(anon.status).toBe(401);
    expect(nonceOf(anon.headers.get("content-security-policy"))).toBeTruthy();
  });
});
