import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatDatasetRef,
  parseDatasetRef,
  parseInstant,
  parseVersionSelector,
} from "./dataset-ref.js";
import { BadRequestError } from "./errors.js";

const nameArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
const HEX = "0123456789abcdef";
const hexArb = (min: number, max: number) =>
  fc.array(fc.constantFrom(...HEX), { minLength: min, maxLength: max }).map((a) => a.join(""));

describe("parseDatasetRef", () => {
  it("reads every form of reference", () => {
    const hex = "ab".repeat(32);
    expect(parseDatasetRef("digits")).toEqual({ name: "digits", selector: { kind: "latest" } });
    expect(parseDatasetRef("digits@latest").selector).toEqual({ kind: "latest" });
    expect(parseDatasetRef("digits@v12").selector).toEqual({ kind: "number", number: 12 });
    expect(parseDatasetRef("digits@ABCDEF01").selector).toEqual({
      kind: "digest",
      prefix: "abcdef01",
    });
    expect(parseDatasetRef(`d@sha256:${hex}`).selector).toEqual({ kind: "digest", prefix: hex });
    // 8 digits that look like a date without dashes are hex.
    expect(parseDatasetRef("d@20260301").selector).toEqual({ kind: "digest", prefix: "20260301" });
  });

  it("reads a date alone as midnight UTC at the start of that day", () => {
    expect(parseDatasetRef("d@2026-03-01").selector).toEqual({
      kind: "time",
      time: Date.UTC(2026, 2, 1),
    });
    expect(parseInstant("2026-03-01T12:00:00Z")).toBe(Date.UTC(2026, 2, 1, 12));
    expect(parseInstant("2026-03-01T12:00")).toBe(Date.UTC(2026, 2, 1, 12));
    expect(parseInstant("2026-03-01T12:00:00.5Z")).toBe(Date.UTC(2026, 2, 1, 12, 0, 0, 500));
    expect(parseInstant("2026-03-01T12:00:00.123456789Z")).toBe(
      Date.UTC(2026, 2, 1, 12, 0, 0, 123),
    );
    expect(parseInstant("2026-03-01T12:00:00+02:00")).toBe(Date.UTC(2026, 2, 1, 10));
    expect(parseInstant("2026-03-01T00:30:00-01:30")).toBe(Date.UTC(2026, 2, 1, 2));
    expect(parseInstant("2024-02-29")).toBe(Date.UTC(2024, 1, 29));
  });

  it("refuses what is no reference with a one-line BadRequestError", () => {
    const bad = [
      "",
      "@v1",
      "-x@v1",
      "a/b",
      "d@",
      "d@v0",
      "d@v01",
      "d@V1",
      "d@abc",
      `d@${"a".repeat(65)}`,
      "d@2026-02-30",
      "d@2025-02-29",
      "d@2026-13-01",
      "d@2026-03-01T24:00:00Z",
      "d@2026-03-01T12:60Z",
      "d@2026-03-01T12:00:00+24:00",
      "d@2026-03-01 12:00",
      "d@yesterday",
      "d@v1@v2",
    ];
    for (const ref of bad) {
      let error: unknown;
      try {
        parseDatasetRef(ref);
      } catch (e) {
        error = e;
      }
      expect([ref, error]).toEqual([ref, expect.any(BadRequestError)]);
      expect((error as Error).message).not.toContain("\n");
    }
  });

  it("round-trips through its canonical text (property)", () => {
    const selectorArb = fc.oneof(
      fc.constant({ kind: "latest" as const }),
      fc.integer({ min: 1, max: 2 ** 40 }).map((number) => ({ kind: "number" as const, number })),
      hexArb(8, 64).map((prefix) => ({ kind: "digest" as const, prefix })),
      fc
        .integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31) })
        .map((time) => ({ kind: "time" as const, time })),
    );
    fc.assert(
      fc.property(nameArb, selectorArb, (name, selector) => {
        const ref = { name, selector };
        expect(parseDatasetRef(formatDatasetRef(ref))).toEqual(ref);
      }),
    );
  });

  it("either parses or throws BadRequestError, never anything else (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          const ref = parseDatasetRef(text);
          expect(ref.name.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(BadRequestError);
        }
      }),
    );
  });

  it("agrees with Date.parse on valid ISO date-times (property)", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date(Date.UTC(1, 0, 1)),
          max: new Date(Date.UTC(9999, 11, 31)),
          noInvalidDate: true,
        }),
        (date) => {
          const text = date.toISOString();
          fc.pre(!text.startsWith("+") && !text.startsWith("-"));
          expect(parseVersionSelector(text)).toEqual({ kind: "time", time: date.getTime() });
        },
      ),
    );
  });
});
