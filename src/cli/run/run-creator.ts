import { constants } from "node:os";
import type { Run } from "../../domain/run.js";
import type { CreateRunRequest } from "../../sdk/api-client.js";
import { LockstepApiError } from "../../sdk/lockstep-api-error.js";
import { quickRequest } from "./quick-request.js";

/** POST /api/v1/runs: the command cannot start before its run exists. */
export async function createRunQuickly(baseUrl: string, body: CreateRunRequest): Promise<Run> {
  const answer = await quickRequest<{ run?: Run }>(baseUrl, "POST", "/api/v1/runs", body);
  if (!answer.run) throw new LockstepApiError(0, "BAD_RESPONSE", "the server sent no run");
  return answer.run;
}

/**
 * Ends a run KILLED whose command never started: the user interrupted
 * `lockstep run` while it was still setting up. Returns the exit code a shell
 * gives for that signal.
 */
export async function endRunNotStarted(
  baseUrl: string,
  runId: string,
  signal: NodeJS.Signals,
): Promise<number> {
  const reason = `interrupted by ${signal} before the command started`;
  await quickRequest(baseUrl, "POST", `/api/v1/runs/${runId}/batch`, {
    metrics: [],
    tags: { "lockstep.exit.reason": reason, "lockstep.exit.signal": signal },
  });
  await quickRequest(baseUrl, "PATCH", `/api/v1/runs/${runId}`, {
    status: "KILLED",
    endTime: Date.now(),
  });
  return 128 + (constants.signals[signal] ?? 0);
}
