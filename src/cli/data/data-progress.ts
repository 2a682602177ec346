import cliProgress from "cli-progress";
import { formatBytes } from "./data-format.js";

/** One bar per phase ("hashing", "uploading", …), with bytes and speed. */
export interface PhaseProgress {
  update(phase: string, bytesDone: number, bytesTotal: number): void;
  stop(): void;
}

const QUIET: PhaseProgress = { update() {}, stop() {} };

/**
 * Progress bars on stderr, only when stdout is a terminal: piped or
 * redirected output stays clean (INTERFACE.md, "Everywhere").
 */
export function phaseProgress(): PhaseProgress {
  if (!process.stdout.isTTY) return QUIET;
  const multi = new cliProgress.MultiBar(
    {
      format: "{phase} [{bar}] {percentage}% | {done} / {all} | {speed}",
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: cliProgress.SingleBar; started: number }>();
  return {
    update(phase, bytesDone, bytesTotal) {
      let entry = bars.get(phase);
      if (!entry) {
        const bar = multi.create(Math.max(1, bytesTotal), 0, payload(phase, 0, bytesTotal, 0));
        entry = { bar, started: Date.now() };
        bars.set(phase, entry);
      }
      const seconds = (Date.now() - entry.started) / 1000;
      entry.bar.setTotal(Math.max(1, bytesTotal));
      entry.bar.update(bytesDone, payload(phase, bytesDone, bytesTotal, seconds));
    },
    stop() {
      multi.stop();
    },
  };
}

function payload(phase: string, done: number, all: number, seconds: number) {
  return {
    phase: phase.padEnd(9),
    done: formatBytes(done),
    all: formatBytes(all),
    speed: seconds > 0 ? `${formatBytes(done / seconds)}/s` : "-",
  };
}
