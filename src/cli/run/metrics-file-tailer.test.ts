import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MetricsFileTailer, parseMetricLine } from "./metrics-file-tailer.js";
import { processTree } from "./system-metrics-sampler.js";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("parseMetricLine", () => {
  it("reads key, value, step and timestamp", () => {
    expect(parseMetricLine('{"key":"loss","value":0.42,"step":3}')).toEqual({
      key: "loss",
      value: 0.42,
      step: 3,
    });
    expect(parseMetricLine('{"key":"a","value":-1e-9,"timestamp":1700000000000}')).toEqual({
      key: "a",
      value: -1e-9,
      step: 0,
      timestamp: 1700000000000,
    });
  });

  it("takes NaN and infinities as JSON strings and as Python's json.dumps writes them", () => {
    expect(parseMetricLine('{"key":"a","value":"NaN"}')?.value).toBeNaN();
    expect(parseMetricLine('{"key":"a","value": NaN, "step": 1}')?.value).toBeNaN();
    expect(parseMetricLine('{"key":"a","value":-Infinity}')?.value).toBe(-Infinity);
    expect(parseMetricLine('{"key":"a","value":"Infinity"}')?.value).toBe(Infinity);
  });

  it("refuses what is not a metric", () => {
    for (const line of [
      "",
      "nope",
      "[1]",
      "null",
      '"x"',
      '{"value":1}',
      '{"key":"","value":1}',
      '{"key":"a"}',
      '{"key":"a","value":"1"}',
      '{"key":"a","value":"toString"}',
      '{"key":"a","value":true}',
      '{"key":"a","value":1,"step":1.5}',
      '{"key":"a","value":1,"step":"1"}',
      '{"key":"a","value":1,"timestamp":-5}',
      '{"key":1,"value":1}',
    ]) {
      expect(parseMetricLine(line), line).toBeUndefined();
    }
  });
});

describe("MetricsFileTailer", () => {
  it("joins partial lines, skips an oversized one, and reads an unterminated last line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-tailer-"));
    temps.push(dir);
    const file = join(dir, "m.jsonl");
    writeFileSync(file, "");
    const got: Array<[string, number, number]> = [];
    const tailer = new MetricsFileTailer({
      path: file,
      sink: (key, value, step) => got.push([key, value, step]),
      pollMs: 10,
    });
    tailer.start();
    appendFileSync(file, '{"key":"a","val');
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(file, 'ue":1,"step":1}\n');
    appendFileSync(file, `{"key":"big","value":"${"x".repeat(2 * 1024 * 1024)}"}\n`);
    appendFileSync(file, '{"key":"a","value":2,"step":2}');
    await tailer.stop();
    expect(got).toEqual([
      ["a", 1, 1],
      ["a", 2, 2],
    ]);
    expect(tailer.skipped).toBe(1);
  });

  it("delivers each line once when stopped while reads are in flight", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-tailer-"));
    temps.push(dir);
    for (let attempt = 0; attempt < 30; attempt++) {
      const file = join(dir, `m${attempt}.jsonl`);
      writeFileSync(file, "");
      let count = 0;
      const tailer = new MetricsFileTailer({ path: file, sink: () => count++, pollMs: 1 });
      tailer.start();
      // Writes arriving while reads are under way queue another read; the stop
      // comes in the middle of that.
      for (let i = 0; i < 20; i++) {
        appendFileSync(file, `{"key":"x","value":${i},"step":${i}}\n`.repeat(100));
        await new Promise((r) => setImmediate(r));
      }
      await tailer.stop();
      expect(count).toBe(2000);
    }
  });
});

describe("processTree", () => {
  it("follows children and the process group, and nothing else", () => {
    const all = [
      { pid: 1, ppid: 0, pgrp: 1, ticks: 0 },
      { pid: 10, ppid: 1, pgrp: 10, ticks: 5 },
      { pid: 11, ppid: 10, pgrp: 10, ticks: 5 },
      { pid: 12, ppid: 11, pgrp: 12, ticks: 5 }, // own group (setsid), still a descendant
      { pid: 13, ppid: 1, pgrp: 10, ticks: 5 }, // re-parented, still in the group
      { pid: 20, ppid: 1, pgrp: 20, ticks: 5 },
    ];
    expect(
      processTree(all, 10)
        .map((p) => p.pid)
        .sort((a, b) => a - b),
    ).toEqual([10, 11, 12, 13]);
    expect(processTree(all, 99)).toEqual([]);
  });
});
