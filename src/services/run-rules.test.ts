import { describe, expect, it } from "vitest";
import { ConflictError } from "../domain/errors.js";
import { RUN_STATUSES, type RunStatus } from "../domain/run.js";
import { generateRunName } from "./run-names.js";
import { checkStatusChange } from "./run-rules.js";

function allowed(from: RunStatus, to: RunStatus): boolean {
  try {
    checkStatusChange("r", from, to);
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(ConflictError);
    return false;
  }
}

describe("checkStatusChange", () => {
  it("allows exactly the documented transitions", () => {
    const table = Object.fromEntries(
      RUN_STATUSES.map((from) => [from, RUN_STATUSES.filter((to) => allowed(from, to))]),
    );
    expect(table).toEqual({
      RUNNING: ["RUNNING", "FINISHED", "FAILED", "KILLED"],
      SCHEDULED: ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"],
      FINISHED: ["RUNNING", "FINISHED"],
      FAILED: ["RUNNING", "FAILED"],
      KILLED: ["RUNNING", "KILLED"],
    });
  });
});

describe("generateRunName", () => {
  it("makes MLflow-style adjective-noun-number names that vary", () => {
    const names = new Set(Array.from({ length: 50 }, generateRunName));
    for (const name of names) expect(name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
    expect(names.size).toBeGreaterThan(40);
  });
});
