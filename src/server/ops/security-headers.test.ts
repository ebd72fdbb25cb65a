import { describe, expect, it } from "vitest";
import { livekitConnectSources, securityHeaders, type SecurityHeader } from "./security-headers";

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
  const dev = securityHeaders({ livekitUrl: "ws://localhost:7880", production: false });
  const prod = securityHeaders({ livekitUrl: "wss://rtc.example.org", production: true });

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
    expect(d["script-src"]).toEqual(["'self'", "'unsafe-inline'"]);
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
      securityHeaders({ livekitUrl: "wss://rtc.example.org", production: true, extraConnectSrc: ["https://o1.ingest.example"] }),
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
