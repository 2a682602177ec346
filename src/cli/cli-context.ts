import type { Command } from "commander";
import { LockstepApi } from "../sdk/api-client.js";
import { resolveTrackingUri } from "../sdk/tracking-uri.js";

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  trackingUri?: string;
  verbose?: boolean;
}

/** The API client for the server the flags and environment point at. */
export function apiFor(command: Command): LockstepApi {
  const { trackingUri } = command.optsWithGlobals<GlobalOptions>();
  // One retry: a command should fail fast when nothing listens.
  return new LockstepApi({ baseUrl: resolveTrackingUri(trackingUri), retries: 1 });
}
