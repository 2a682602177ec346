import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";

export type SystemMetricSink = (key: string, value: number, step: number) => void;

export type SystemMetricsSamplerOptions = {
  /** The command's pid; its process group has the same id. */
  pid: number;
  sink: SystemMetricSink;
  /** Default is 5000 ms. */
  intervalMs?: number;
};

/** Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

type ProcSample = { pid: number; ppid: number; pgrp: number; ticks: number };

/**
 * Samples the command's process tree (its descendants and its process group)
 * from /proc every few seconds: `system/cpu_percent` (100 = one core busy),
 * `system/memory_rss_mb`, `system/processes`, and with nvidia-smi
 * `system/gpu_utilization_percent` and `system/gpu_memory_mb`. Does nothing
 * where /proc is missing.
 */
export class SystemMetricsSampler {
  private readonly options: SystemMetricsSamplerOptions;
  private timer: NodeJS.Timeout | undefined;
  private previous: { at: number; ticks: Map<number, number> } | undefined;
  private step = 0;
  private busy = false;
  private gpu: boolean | undefined;

  constructor(options: SystemMetricsSamplerOptions) {
    this.options = options;
  }

  start(): void {
    if (process.platform !== "linux") return;
    // A first reading right away gives the CPU figure a baseline.
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.options.intervalMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const at = performance.now();
      const tree = processTree(await readProcesses(), this.options.pid);
      if (tree.length === 0 || !this.timer) return;
      const ticks = new Map(tree.map((p) => [p.pid, p.ticks]));
      const rssKb = await Promise.all(tree.map((p) => rssOf(p.pid)));
      const step = this.step++;
      const { sink } = this.options;
      if (this.previous) {
        let used = 0;
        for (const [pid, t] of ticks) used += Math.max(0, t - (this.previous.ticks.get(pid) ?? 0));
        const seconds = (at - this.previous.at) / 1000;
        if (seconds > 0)
          sink("system/cpu_percent", round((used / TICKS_PER_SECOND / seconds) * 100), step);
      }
      this.previous = { at, ticks };
      sink("system/memory_rss_mb", round(rssKb.reduce((a, b) => a + b, 0) / 1024), step);
      sink("system/processes", tree.length, step);
      await this.sampleGpu(new Set(tree.map((p) => p.pid)), step);
    } catch {
      // A process vanishing mid-read or /proc hiccups: skip this sample.
    } finally {
      this.busy = false;
    }
  }

  private async sampleGpu(pids: Set<number>, step: number): Promise<void> {
    if (this.gpu === false) return;
    const [gpus, apps] = await Promise.all([
      query(["--query-gpu=utilization.gpu", "--format=csv,noheader,nounits"]),
      query(["--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"]),
    ]);
    if (gpus === undefined) {
      this.gpu = false; // no nvidia-smi: never ask again
      return;
    }
    this.gpu = true;
    const utilisation = gpus.map((row) => Number(row[0])).filter(Number.isFinite);
    if (utilisation.length > 0) {
      const mean = utilisation.reduce((a, b) => a + b, 0) / utilisation.length;
      this.options.sink("system/gpu_utilization_percent", round(mean), step);
    }
    let memory = 0;
    for (const row of apps ?? []) {
      if (pids.has(Number(row[0]))) memory += Number(row[1]) || 0;
    }
    this.options.sink("system/gpu_memory_mb", memory, step);
  }
}

async function readProcesses(): Promise<ProcSample[]> {
  const names = await readdir("/proc");
  const samples = await Promise.all(
    names.filter((n) => /^\d+$/.test(n)).map((n) => readStat(Number(n))),
  );
  return samples.filter((s): s is ProcSample => s !== undefined);
}

async function readStat(pid: number): Promise<ProcSample | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may itself hold spaces and ')'.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): ppid is field 4, pgrp 5, utime 14, stime 15.
    return {
      pid,
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      ticks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return undefined;
  }
}

/** The root and its descendants, plus anything left in its process group. */
export function processTree(all: readonly ProcSample[], root: number): ProcSample[] {
  const children = new Map<number, ProcSample[]>();
  for (const p of all) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const found = new Map<number, ProcSample>();
  const queue = all.filter((p) => p.pid === root || p.pgrp === root);
  while (queue.length > 0) {
    const p = queue.pop() as ProcSample;
    if (found.has(p.pid)) continue;
    found.set(p.pid, p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return [...found.values()];
}

async function rssOf(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Rows of nvidia-smi CSV output; undefined when it is missing or fails. */
function query(args: string[]): Promise<string[][] | undefined> {
  return new Promise((resolve) => {
    execFile("nvidia-smi", args, { timeout: 3000 }, (error, stdout) => {
      if (error) {
        resolve(undefined);
        return;
      }
      const rows = stdout
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => l.split(",").map((c) => c.trim()));
      resolve(rows);
    });
  });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
