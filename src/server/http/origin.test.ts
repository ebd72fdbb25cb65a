import { describe, expect, it } from "vitest";
import { assertSameOrigin } from "./origin";

const req = (headers: Record<string, string>) =>
  new Request("http://localhost:3000/api/matching/enqueue", { method: "POST", headers: { host: "localhost:3000", ...headers } });

describe("assertSameOrigin", () => {
  it("allows same-origin and non-browser requests", () => {
    expect(() => assertSameOrigin(req({ origin: "http://localhost:3000" }), undefined)).not.toThrow();
    expect(() => assertSameOrigin(req({}), undefined)).not.toThrow();
    expect(() => assertSameOrigin(req({ origin: "https://chat.example.com" }), "https://chat.example.com")).not.toThrow();
  });

  it("refuses other origins, opaque origins and cross-site fetches with 403", () => {
    const refused: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of refused) {
      expect(() => assertSameOrigin(req(headers), undefined)).toThrow(
        expect.objectContaining({ status: 403, code: "FORBIDDEN" }),
      );
    }
    expect(() => assertSameOrigin(req({ origin: "http://localhost:3000" }), "https://chat.example.com")).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });
});
