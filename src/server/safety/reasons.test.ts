import { describe, expect, it } from "vitest";
import { REPORT_REASONS } from "@/lib/schemas";
import { compareReportsForReview, compareSeverity, severityOf, severityRank, type Severity } from "./reasons";

describe("report severities", () => {
  it("maps every reason of the API contract", () => {
    expect(Object.fromEntries(REPORT_REASONS.map((r) => [r, severityOf(r)]))).toEqual({
      nudity: "critical",
      harassment: "medium",
      hate: "high",
      minor: "critical",
      spam: "low",
      violence: "high",
      other: "low",
    });
  });

  it("ranks critical > high > medium > low", () => {
    expect([severityRank("critical"), severityRank("high"), severityRank("medium"), severityRank("low")]).toEqual([3, 2, 1, 0]);
    const list: Severity[] = ["low", "critical", "medium", "high", "low"];
    expect([...list].sort(compareSeverity)).toEqual(["critical", "high", "medium", "low", "low"]);
  });

  it("orders the review queue by severity, then oldest first", () => {
    const reports = [
      { id: "spam-old", severity: "low" as const, createdAt: "2024-01-01T00:00:00Z" },
      { id: "hate-new", severity: "high" as const, createdAt: "2024-01-03T00:00:00Z" },
      { id: "minor", severity: "critical" as const, createdAt: new Date("2024-01-05T00:00:00Z") },
      { id: "hate-old", severity: "high" as const, createdAt: "2024-01-02T00:00:00Z" },
    ];
    expect(reports.sort(compareReportsForReview).map((r) => r.id)).toEqual(["minor", "hate-old", "hate-new", "spam-old"]);
  });
});
