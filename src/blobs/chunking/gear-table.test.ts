import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GEAR32_V1, GEAR32_V1_DIGEST, GEAR32_V1_ID } from "./gear-table.js";

describe("gear table", () => {
  it("is SHA-256 in counter mode over its id, so it can be re-derived anywhere", () => {
    const derived = Array.from({ length: 256 }, (_, i) => {
      const counter = Buffer.alloc(4);
      counter.writeUInt32BE(i);
      return createHash("sha256").update(GEAR32_V1_ID).update(counter).digest().readUInt32BE(0);
    });
    expect(GEAR32_V1).toEqual(derived);
  });

  it("matches its recorded digest", () => {
    const bytes = Buffer.alloc(1024);
    GEAR32_V1.forEach((value, i) => {
      bytes.writeUInt32BE(value, i * 4);
    });
    expect(`sha256:${createHash("sha256").update(bytes).digest("hex")}`).toBe(GEAR32_V1_DIGEST);
    expect(Object.isFrozen(GEAR32_V1)).toBe(true);
  });
});
