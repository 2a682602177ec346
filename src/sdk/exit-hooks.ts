/** A client with writes still owed to the server when the process ends. */
export interface ExitParticipant {
  /** The event loop is about to empty: send what is pending (asynchronously). */
  onBeforeExit(): void;
  /** The process is ending: write what is pending to disk, synchronously. */
  onExitSync(): void;
}

const participants = new Set<ExitParticipant>();
const SIGNALS = ["SIGINT", "SIGTERM"] as const;
let installed = false;

/**
 * Registers a client with the process-wide exit handlers, installing them on
 * first use. On SIGINT/SIGTERM the pending writes are spooled and, unless the
 * program has its own handler, the signal is raised again so the process ends
 * as it would have without Lockstep.
 */
export function registerForExit(participant: ExitParticipant): void {
  participants.add(participant);
  if (installed) return;
  installed = true;
  process.on("beforeExit", onBeforeExit);
  process.on("exit", onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

export function unregisterForExit(participant: ExitParticipant): void {
  participants.delete(participant);
  if (participants.size > 0 || !installed) return;
  installed = false;
  process.off("beforeExit", onBeforeExit);
  process.off("exit", onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

function onBeforeExit(): void {
  for (const participant of participants) guarded(() => participant.onBeforeExit());
}

function onExit(): void {
  for (const participant of participants) guarded(() => participant.onExitSync());
}

function onSignal(signal: NodeJS.Signals): void {
  onExit();
  if (process.listenerCount(signal) > 1) return;
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

function guarded(action: () => void): void {
  try {
    action();
  } catch (error) {
    process.stderr.write(`lockstep: could not save pending metrics: ${String(error)}\n`);
  }
}
