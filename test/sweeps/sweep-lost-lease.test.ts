import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run.js";
import type { SweepView, TrialView } from "../../src/sweeps/sweep-views.js";
import { SweepWorkspace } from "./support/sweep-cli.js";
import { serverOnTarget, storeTargets } from "./support/sweep-stores.js";

/**
 * An agent paused (SIGSTOP) for longer than its lease, on a live trial: the
 * lease runs out, a second agent re-runs the trial, and when the first one
 * wakes up (SIGCONT) its renewal — or its report — answers 409. It must stop
 * its command, report nothing, and leave its run FAILED with reason
 * `lease expired`; the second attempt is the one the sweep counts.
 *
 * The trial waits for a gate file before its steps, so the test decides
 * whether the stale command is still running when its agent wakes up.
 */
const SPEC = {
  command: ["node", "trial.cjs"],
  method: "grid",
  seed: 9,
  objective: { metric: "loss", goal: "minimize" },
  parameters: { x: [0.2], steps: 3, sleep_ms: 20 },
  lease_ms: 1500,
};

interface TrialLine {
  run: string;
  pid: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `probe` until it gives a value; fails naming what it waited for. */
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const CASES = [
  { name: "stops its still-running command when a renewal answers 409", endsDuringPause: false },
  { name: "does not report a command that ended while it was paused", endsDuringPause: true },
];

for (const target of await storeTargets()) {
  describe(`a sweep agent that loses its lease, against a server on ${target.name}`, () => {
    const server = serverOnTarget(target);

    async function getJson<T>(path: string): Promise<T> {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      return (await response.json()) as T;
    }
    const sweepView = async (id: string) =>
      (await getJson<{ sweep: SweepView }>(`/api/v1/sweeps/${id}`)).sweep;
    const getRun = async (id: string) => (await getJson<{ run: Run }>(`/api/v1/runs/${id}`)).run;
    /** The attempt of trial 0, once it has a run (the agent's first renewal recorded it). */
    const attemptWithRun = async (id: string, attempt: number) =>
      (await sweepView(id)).trials.find((t) => t.attempt === attempt && t.runId !== null);

    it.each(CASES)(
      "$name",
      async ({ endsDuringPause }) => {
        const ws = new SweepWorkspace();
        const gate = join(ws.dir, "gate");
        const doneLog = join(ws.dir, "done.log");
        writeFileSync(doneLog, "");
        const env = { GATE_FILE: gate, DONE_LOG: doneLog };
        const completed = () => readFileSync(doneLog, "utf8").split("\n").filter(Boolean);
        const started = () =>
          readFileSync(ws.trialLog, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as TrialLine);
        try {
          const created = await ws.run(server.url, [
            "sweep",
            "create",
            ws.writeSpec("sweep.json", SPEC),
          ]);
          expect(created.code, created.stderr).toBe(0);
          const id = created.stdout.trim();

          const stale = ws.start(server.url, ["sweep", "agent", id], env);
          let staleErr = "";
          stale.child.stderr?.on("data", (d: Buffer) => {
            staleErr += d.toString();
          });
          const first = (await until("attempt 1 to have its run", () =>
            attemptWithRun(id, 1),
          )) as TrialView & { runId: string };
          const stalePid = stale.child.pid as number;
          process.kill(stalePid, "SIGSTOP");
          if (endsDuringPause) {
            writeFileSync(gate, "");
            await until("the stale command to finish", () =>
              completed().includes(first.runId) ? true : undefined,
            );
          }
          // Reading the sweep requeues expired leases, as any agent's request would.
          await until("the lease to run out", async () =>
            (await sweepView(id)).trials.find((t) => t.attempt === 1 && t.state === "expired"),
          );
          const rescuer = ws.start(server.url, ["sweep", "agent", id], env);
          const second = (await until("attempt 2 to have its run", () =>
            attemptWithRun(id, 2),
          )) as TrialView & { runId: string };
          process.kill(stalePid, "SIGCONT");
          if (!endsDuringPause) {
            await until("the stale agent to give the trial up", () =>
              staleErr.includes("lost the lease") ? true : undefined,
            );
            writeFileSync(gate, "");
          }
          const [a, b] = await Promise.all([stale.done, rescuer.done]);
          expect(b.code, b.stderr).toBe(0);
          expect(b.stderr).toContain("sweep agent ran 1 trial\n");
          expect(a.code, a.stderr).toBe(0);
          expect(a.stderr).toContain("lost the lease on trial 0 (attempt 1)");
          expect(a.stderr).toContain("sweep agent ran 0 trials");

          const view = await sweepView(id);
          expect(view.state).toBe("finished");
          expect(view.trials.map((t) => [t.index, t.attempt, t.status, t.reason])).toEqual([
            [0, 1, "FAILED", "lease expired"],
            [0, 2, "FINISHED", null],
          ]);
          expect(view.counts).toMatchObject({ finished: 1, expired: 1, running: 0, queued: 0 });
          expect(view.bestTrial?.runId).toBe(second.runId);
          expect(second.seed).toBe(first.seed);

          const staleRun = await getRun(first.runId);
          expect(staleRun.status).toBe("FAILED");
          expect(staleRun.tags["lockstep.exit.reason"]).toBe("lease expired");
          expect((await getRun(second.runId)).status).toBe("FINISHED");

          // Run to completion once as the counted attempt; the stale command
          // completes only when it had already ended before its agent woke up.
          const stalePids = started()
            .filter((l) => l.run === first.runId)
            .map((l) => l.pid);
          expect(stalePids).toHaveLength(1);
          expect(alive(stalePids[0] as number)).toBe(false);
          expect(completed().sort()).toEqual(
            (endsDuringPause ? [first.runId, second.runId] : [second.runId]).sort(),
          );
        } finally {
          for (const line of started()) {
            if (alive(line.pid)) process.kill(line.pid, "SIGKILL");
          }
          ws.cleanup();
        }
      },
      60_000,
    );
  });
}
