import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "../../cli/run-cli.js";

export interface CliOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A trial command for fast sweeps: logs one line per run to TRIAL_LOG,
 * `loss` = (x - 0.3)² + y for params x and y at `steps` steps, sleeping
 * `sleep_ms` between them; when HANG_MARKER names a file that does not exist
 * yet, it creates it (with its pid) and sleeps 30 s first. With GATE_FILE it
 * waits for that file to exist before the first step; with DONE_LOG it
 * appends its run id there after the last.
 */
const TRIAL_SCRIPT = `
const fs = require("node:fs");
const p = JSON.parse(process.env.LOCKSTEP_PARAMS);
fs.appendFileSync(process.env.TRIAL_LOG, JSON.stringify({ run: process.env.LOCKSTEP_RUN_ID, seed: process.env.LOCKSTEP_SEED, params: p, pid: process.pid }) + "\\n");
const metric = (key, value, step) => fs.appendFileSync(process.env.LOCKSTEP_METRICS_FILE, JSON.stringify({ key, value, step }) + "\\n");
const marker = process.env.HANG_MARKER;
const hang = marker && !fs.existsSync(marker);
if (hang) fs.writeFileSync(marker, String(process.pid));
const x = Number(p.x ?? 0), y = Number(p.y ?? 0);
const steps = Number(p.steps ?? 1), pause = Number(p.sleep_ms ?? 0);
const loss = (x - 0.3) ** 2 + y;
let step = 0;
const tick = () => {
  step += 1;
  metric(process.env.METRIC_NAME || "loss", loss, step);
  if (step < steps) setTimeout(tick, pause);
  else if (process.env.DONE_LOG) fs.appendFileSync(process.env.DONE_LOG, process.env.LOCKSTEP_RUN_ID + "\\n");
};
const gate = process.env.GATE_FILE;
const begin = () => {
  if (gate && !fs.existsSync(gate)) setTimeout(begin, 25);
  else setTimeout(tick, hang ? 30000 : 0);
};
begin();
`;

/** A scratch folder holding trial.cjs and the trial log, for one test file. */
export class SweepWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), "lockstep-sweep-cli-"));
  readonly trialLog = join(this.dir, "trials.jsonl");
  private readonly children = new Set<ChildProcess>();

  constructor() {
    writeFileSync(join(this.dir, "trial.cjs"), TRIAL_SCRIPT);
    writeFileSync(this.trialLog, "");
  }

  writeSpec(name: string, spec: unknown): string {
    const path = join(this.dir, name);
    writeFileSync(path, typeof spec === "string" ? spec : JSON.stringify(spec));
    return path;
  }

  /** Starts the built `lockstep` with `args` in the workspace; the promise settles when it exits. */
  start(
    url: string,
    args: string[],
    env: Record<string, string> = {},
  ): { child: ChildProcess; done: Promise<CliOutcome> } {
    const base = { ...process.env };
    for (const name of Object.keys(base)) {
      if (name.startsWith("LOCKSTEP_") || name.startsWith("MLFLOW_")) delete base[name];
    }
    const child = spawn(process.execPath, [CLI, "--tracking-uri", url, ...args], {
      cwd: this.dir,
      env: { ...base, LOCKSTEP_HOME: join(this.dir, "home"), TRIAL_LOG: this.trialLog, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const done = new Promise<CliOutcome>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => {
        this.children.delete(child);
        resolve({ code, signal, stdout, stderr });
      });
    });
    return { child, done };
  }

  run(url: string, args: string[], env: Record<string, string> = {}): Promise<CliOutcome> {
    return this.start(url, args, env).done;
  }

  cleanup(): void {
    for (const child of this.children) child.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}
