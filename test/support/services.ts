/**
 * Addresses of the real services integration tests use. There is no skip path: a test that
 * cannot reach its service fails, locally and under CI=true alike.
 */
import { randomBytes } from "node:crypto";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A unique namespace so concurrent test files never see each other's keys or rows. */
export function uniqueNamespace(label = "t"): string {
  return `${label}${randomBytes(5).toString("hex")}`;
}
