/**
 * What `lockstep run` adds to a command, hyperfine-style: `lockstep run -- true`
 * against plain `true` (20 runs each, median wall time from spawn to exit),
 * how long after `lockstep run` is spawned the command itself starts, how long
 * after the command's end it exits, and training-like commands of about 2 s and
 * 20 s with and without the wrapper (a CPU workload, and a command that only
 * waits): wall time, and the CPU time the wrapper itself adds. The server runs
 * in its own process (built dist/).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServerProcess } from "./support/server-process.js";
import { median } from "./support/timing.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Another build's entry point (a copy of dist/ from before a change) measures that build instead. */
const CLI = process.env.LOCKSTEP_BENCH_CLI ?? join(ROOT, "dist/cli/main.js");
const RUNS = Number(process.env.RUNS ?? 20);
const TRAIN_RUNS = Number(process.env.TRAIN_RUNS ?? 5);
const LONG_RUNS = Number(process.env.LONG_RUNS ?? 3);
/** Iterations of the workload used to size the training commands: about 2 s here. */
const WORK = Number(process.env.WORK ?? 250_000_000);

const server = await startServerProcess();
const home = mkdtempSync(join(tmpdir(), "lockstep-bench-home-"));
const env = { ...process.env, LOCKSTEP_TRACKING_URI: server.url, LOCKSTEP_HOME: home };

// The commands run in a small project of their own (a git repository with a
// few files and one uncommitted change), as a training script would: the
// capture's cost depends on the tree it describes.
const project = join(home, "project");
mkdirSync(project);
const gitEnv = {
  ...env,
  GIT_AUTHOR_NAME: "b",
  GIT_AUTHOR_EMAIL: "b@example.com",
  GIT_COMMITTER_NAME: "b",
  GIT_COMMITTER_EMAIL: "b@example.com",
};
const gitIn = (...args: string[]) =>
  execFileSync("git", ["-c", "commit.gpgsign=false", ...args], { cwd: project, env: gitEnv });
gitIn("init", "-q");
for (let i = 0; i < 20; i++)
  writeFileSync(join(project, `module${i}.py`), `def f${i}(x):\n    return x * ${i}\n`);
writeFileSync(join(project, "requirements.txt"), "numpy==1.26.4\n");
gitIn("add", "-A");
gitIn("commit", "-q", "-m", "bench");
writeFileSync(join(project, "module0.py"), "def f0(x):\n    return x + 1\n");

/** Wall time of one process from spawn to exit, in ms, and its stdout. */
function timed(argv: string[]): Promise<{ ms: number; stdout: string; spawnedAt: number }> {
  return new Promise((ok, fail) => {
    const spawnedAt = Date.now();
    const t0 = performance.now();
    const child = spawn(argv[0] as string, argv.slice(1), {
      env,
      stdio: ["ignore", "pipe", "ignore"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.once("error", fail);
    child.once("close", (code) => {
      if (code !== 0) fail(new Error(`${argv.join(" ")} exited ${code}`));
      else ok({ ms: performance.now() - t0, stdout, spawnedAt });
    });
  });
}

type Usage = { wallMs: number; cpuMs: number };

/** Wall and CPU time (user + system, the process and its children) of a command, from GNU time. */
async function usageOf(argv: string[]): Promise<Usage> {
  const report = join(home, "usage.txt");
  const { ms: wallMs } = await timed(["/usr/bin/time", "-f", "%U %S", "-o", report, ...argv]);
  const [user, system] = readFileSync(report, "utf8").trim().split(/\s+/).map(Number);
  return { wallMs, cpuMs: ((user ?? 0) + (system ?? 0)) * 1000 };
}

const signed = (n: number, digits = 1) => `${n >= 0 ? "+" : ""}${n.toFixed(digits)}`;

/** Alternates the two commands so that load from other processes hits both alike. */
async function compare(a: string[], b: string[], runs: number): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  await timed(a); // warm the page cache and the server
  for (let i = 0; i < runs; i++) {
    ta.push((await timed(a)).ms);
    tb.push((await timed(b)).ms);
  }
  return [median(ta), median(tb)];
}

const ms = (n: number) => n.toFixed(1);

try {
  const wrapped = [process.execPath, CLI, "run", "--", "true"];
  const [withWrapper, plain] = await compare(wrapped, ["true"], RUNS);
  console.log(
    `lockstep run -- true: ${ms(withWrapper)} ms (plain true baseline ${ms(plain)} ms, +${ms(withWrapper - plain)} ms, start and end together: the command ends before the capture does)`,
  );

  // Start-up alone: when does the command get control? `date` prints the time it ran.
  const starts: number[] = [];
  const plainStarts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const w = await timed([process.execPath, CLI, "run", "--", "date", "+%s%3N"]);
    starts.push(Number(w.stdout.trim()) - w.spawnedAt);
    const p = await timed(["date", "+%s%3N"]);
    plainStarts.push(Number(p.stdout.trim()) - p.spawnedAt);
  }
  const node = await compare(
    [process.execPath, CLI, "--version"],
    [process.execPath, "-e", "0"],
    RUNS,
  );
  console.log(
    `command starts ${ms(median(starts))} ms after lockstep run is spawned (plain: ${ms(median(plainStarts))} ms); of that, Node start-up: ${ms(node[1])} ms, lockstep --version: ${ms(node[0])} ms (target < 200 ms added at start)`,
  );

  // The end: how long after the command's last act the wrapper exits
  // (final log upload, the capture if still going, the end of the run).
  const tails: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const w = await timed([
      process.execPath,
      CLI,
      "run",
      "--",
      "sh",
      "-c",
      "sleep 0.3; date +%s%3N",
    ]);
    tails.push(w.spawnedAt + w.ms - Number(w.stdout.trim()));
  }
  console.log(
    `end of run: lockstep run exits ${ms(median(tails))} ms after the command's last act (final log upload and end of the run)`,
  );

  // Training-like commands: a fixed CPU workload sized to run about 2 s and
  // 20 s alone, with and without the wrapper, alternating. Wall time on these
  // shared machines varies by several percent between identical runs, so the
  // wrapper's own cost is also measured as the CPU time it adds (user + system
  // of the wrapper and everything it starts, minus the command's own).
  const calibrate = `const t = performance.now(); let x = 0; for (let i = 0; i < ${WORK}; i++) x += Math.sqrt(i); console.log(performance.now() - t);`;
  const perMs = WORK / Number((await timed([process.execPath, "-e", calibrate])).stdout.trim());
  for (const [seconds, runs] of [
    [2, TRAIN_RUNS],
    [20, LONG_RUNS],
  ] as const) {
    const iterations = Math.round(perMs * seconds * 1000);
    const train = [
      process.execPath,
      "-e",
      `let x = 0; for (let i = 0; i < ${iterations}; i++) x += Math.sqrt(i);`,
    ];
    const wrapped: Usage[] = [];
    const plain: Usage[] = [];
    await usageOf([process.execPath, CLI, "run", "--", ...train]); // warm-up
    for (let i = 0; i < runs; i++) {
      wrapped.push(await usageOf([process.execPath, CLI, "run", "--", ...train]));
      plain.push(await usageOf(train));
    }
    const wall = median(wrapped.map((u) => u.wallMs));
    const plainWall = median(plain.map((u) => u.wallMs));
    const plainWalls = plain.map((u) => u.wallMs);
    const spread = ((Math.max(...plainWalls) - Math.min(...plainWalls)) / plainWall) * 100;
    const addedCpu = median(wrapped.map((u) => u.cpuMs)) - median(plain.map((u) => u.cpuMs));
    console.log(
      `${seconds} s training command: ${ms(wall)} ms with lockstep run, ${ms(plainWall)} ms plain (${signed(wall - plainWall)} ms, ${signed(((wall - plainWall) / plainWall) * 100, 2)}%; identical plain runs spread ${spread.toFixed(1)}%); lockstep run's own CPU ${ms(addedCpu)} ms, ${((addedCpu / plainWall) * 100).toFixed(2)}% of one core over the run (target < 1% of a run's wall time)`,
    );
  }

  // The same with a command that only waits: its own time hardly varies, so
  // what the wrapper adds, in wall time and in CPU, stands out of the noise.
  for (const [seconds, runs] of [
    [2, TRAIN_RUNS],
    [20, LONG_RUNS],
  ] as const) {
    const wait = ["sleep", String(seconds)];
    const wrapped: Usage[] = [];
    const plain: Usage[] = [];
    for (let i = 0; i < runs; i++) {
      wrapped.push(await usageOf([process.execPath, CLI, "run", "--", ...wait]));
      plain.push(await usageOf(wait));
    }
    const wall = median(wrapped.map((u) => u.wallMs));
    const plainWall = median(plain.map((u) => u.wallMs));
    const cpu = median(wrapped.map((u) => u.cpuMs)) - median(plain.map((u) => u.cpuMs));
    console.log(
      `${seconds} s waiting command: ${ms(wall)} ms with lockstep run, ${ms(plainWall)} ms plain (${signed(wall - plainWall)} ms, ${signed(((wall - plainWall) / plainWall) * 100, 2)}% of its wall time; target < 1%); lockstep run used ${ms(cpu)} ms of CPU, ${((cpu / plainWall) * 100).toFixed(2)}% of one core over the run`,
    );
  }
} finally {
  await server.stop();
  rmSync(home, { recursive: true, force: true });
}
