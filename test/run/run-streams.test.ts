import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeCommand, RunFixture } from "./run-support.js";

const fx = new RunFixture();
beforeAll(() => fx.start());
afterAll(() => fx.close());

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

describe("lockstep run: output log", () => {
  it("stores megabytes of output completely while its own memory stays flat", async () => {
    const lines = 400_000; // ~38 MiB of stdout, plus some stderr
    const script = `
      const line = (i) => "line " + String(i).padStart(8, "0") + " " + "x".repeat(84) + "\\n";
      let i = 0;
      const write = () => {
        while (i < ${lines}) {
          const ok = process.stdout.write(line(i++));
          if (i % 100000 === 0) process.stderr.write("progress " + i + "\\n");
          if (!ok) return process.stdout.once("drain", write);
        }
      };
      write();`;
    const result = await fx.wrap(["--", ...nodeCommand(script)], { discardStdout: true });
    expect(result.code).toBe(0);
    const log = await fx.artifact(result.runId, "lockstep/output.log");
    expect(log).toBeDefined();
    const text = (log as Buffer).toString("utf8");
    const stdoutLines = text.split("\n").filter((l) => l.startsWith("line "));
    expect(stdoutLines).toHaveLength(lines);
    expect(stdoutLines[lines - 1]).toMatch(/^line 00399999 x+$/);
    expect(text).toContain("progress 400000\n");
    const progress = [100000, 200000, 300000, 400000].map((n) => `progress ${n}\n`).join("");
    expect((log as Buffer).length).toBe(lines * 99 + progress.length);
    // 38 MiB went through; holding it (or reading the log ahead while uploading
    // it) would show. Node itself takes 60-70 MiB here.
    console.log(`wrapper max RSS ${result.maxRssMb.toFixed(0)} MiB`);
    expect(result.maxRssMb).toBeLessThan(125);
  }, 60_000);

  it("uploads the log while the command is still running", async () => {
    // The command waits until the server shows its own first line in the run's log.
    const script = `
      console.log("first line");
      const url = process.env.LOCKSTEP_TRACKING_URI + "/api/v1/runs/" + process.env.LOCKSTEP_RUN_ID + "/artifacts/lockstep/output.log";
      const deadline = Date.now() + 8000;
      const poll = async () => {
        const res = await fetch(url).catch(() => undefined);
        if (res?.ok && (await res.text()).includes("first line")) { console.log("seen live"); return; }
        if (Date.now() > deadline) { console.log("never seen"); process.exit(9); }
        setTimeout(poll, 100);
      };
      poll();`;
    const result = await fx.wrap(["--", ...nodeCommand(script)], {
      env: { LOCKSTEP_LOG_UPLOAD_INTERVAL_MS: "200" },
    });
    expect(result.stdout).toBe("first line\nseen live\n");
    expect(result.code).toBe(0);
    const log = await fx.artifact(result.runId, "lockstep/output.log");
    expect(log?.toString()).toBe("first line\nseen live\n");
  });
});

describe("lockstep run: metrics file", () => {
  it("stores every good line with its step, skips malformed ones and counts them", async () => {
    // Written in pieces, with partial lines, while the command runs.
    const script = `
      const fs = require("node:fs");
      const file = process.env.LOCKSTEP_METRICS_FILE;
      const pieces = [
        '{"key":"loss","value":1.5,"step":0}\\n{"key":"lo',
        'ss","value":0.75,"step":1}\\n',
        'not json at all\\n',
        '{"key":"loss","value":"oops","step":2}\\n',
        '{"key":"acc","value":0.5,"step":1.5}\\n',
        '[1,2,3]\\n',
        '{"key":"bad key!","value":1}\\n',
        '\\n',
        '{"key":"acc","value":0.9,"step":3,"timestamp":1700000000000}\\n',
        '{"key":"loss","value":NaN,"step":4}\\n',
        '{"key":"loss","value":0.25,"step":5}',
      ];
      let i = 0;
      const next = () => {
        if (i === pieces.length) return;
        fs.appendFileSync(file, pieces[i++]);
        setTimeout(next, 30);
      };
      next();`;
    const result = await fx.wrap(["--", ...nodeCommand(script)]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("lockstep: skipped 5 malformed metric lines\n");
    const loss = await fx.history(result.runId, "loss");
    expect(loss.map((p) => [p.step, p.value])).toEqual([
      [0, 1.5],
      [1, 0.75],
      [4, "NaN"],
      [5, 0.25],
    ]);
    const acc = await fx.history(result.runId, "acc");
    expect(acc).toEqual([{ step: 3, value: 0.9, timestamp: 1700000000000 }]);
  });

  it("does not warn when every line is good", async () => {
    const script = `
      const fs = require("node:fs");
      for (let s = 0; s < 2000; s++) fs.appendFileSync(process.env.LOCKSTEP_METRICS_FILE, JSON.stringify({ key: "x", value: s / 2, step: s }) + "\\n");`;
    const result = await fx.wrap(["--", ...nodeCommand(script)]);
    expect(result.stderr).not.toContain("malformed");
    const points = await fx.history(result.runId, "x");
    expect(points).toHaveLength(2000);
    expect(points[1999]).toMatchObject({ step: 1999, value: 999.5 });
  });
});

describe("lockstep run: system metrics and outputs", () => {
  it("samples CPU and memory of the command's process tree", async () => {
    // A child process burns CPU and holds ~64 MiB: it is part of the tree.
    const inner = `const b = Buffer.alloc(64 * 1024 * 1024, 1); const end = Date.now() + 1500; while (Date.now() < end) {} console.log(b[5]);`;
    const script = `require("node:child_process").execFileSync(process.execPath, ["-e", ${JSON.stringify(inner)}], { stdio: "inherit" });`;
    const result = await fx.wrap(["--", ...nodeCommand(script)], {
      env: { LOCKSTEP_SYSTEM_METRICS_INTERVAL_MS: "250" },
    });
    expect(result.code).toBe(0);
    const cpu = await fx.history(result.runId, "system/cpu_percent");
    const rss = await fx.history(result.runId, "system/memory_rss_mb");
    expect(cpu.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...cpu.map((p) => Number(p.value)))).toBeGreaterThan(40);
    expect(Math.max(...rss.map((p) => Number(p.value)))).toBeGreaterThan(64);
    const processes = await fx.history(result.runId, "system/processes");
    expect(Math.max(...processes.map((p) => Number(p.value)))).toBeGreaterThanOrEqual(2);
  });

  it("uploads --output files and folders with their digests, and reports a missing one", async () => {
    const dir = fx.tempDir();
    const script = `
      const fs = require("node:fs");
      fs.writeFileSync("model.json", JSON.stringify({ w: [1, 2, 3] }));
      fs.mkdirSync("plots/inner", { recursive: true });
      fs.writeFileSync("plots/a.txt", "a");
      fs.writeFileSync("plots/inner/b.bin", Buffer.from([0, 1, 2]));`;
    const result = await fx.wrap(
      [
        "--output",
        "model.json",
        "--output",
        "plots",
        "--output",
        "missing.txt",
        "--",
        ...nodeCommand(script),
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("lockstep: output not found: missing.txt\n");
    const model = await fx.artifact(result.runId, "model.json");
    expect(model?.toString()).toBe('{"w":[1,2,3]}');
    expect(await fx.artifact(result.runId, "plots/inner/b.bin")).toEqual(Buffer.from([0, 1, 2]));
    const top = await fx.artifactList(result.runId);
    expect(top.find((f) => f.path === "model.json")?.digest).toBe(sha256(model as Buffer));
    const inner = await fx.artifactList(result.runId, "plots/inner");
    expect(inner).toEqual([
      expect.objectContaining({
        path: "plots/inner/b.bin",
        digest: sha256(Buffer.from([0, 1, 2])),
      }),
    ]);
  });

  it("uploads outputs even when the command fails", async () => {
    const dir = fx.tempDir();
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "out", "partial.txt"), "half");
    const result = await fx.wrap(["--output", "out", "--", "sh", "-c", "exit 4"], { cwd: dir });
    expect(result.code).toBe(4);
    expect((await fx.artifact(result.runId, "out/partial.txt"))?.toString()).toBe("half");
  });
});
