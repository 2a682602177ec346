/** Where the server is when nothing says otherwise. */
export const DEFAULT_TRACKING_URI = "http://127.0.0.1:5005";

/**
 * The tracking server's base URL: the explicit value, else `LOCKSTEP_TRACKING_URI`,
 * else `MLFLOW_TRACKING_URI`, else `http://127.0.0.1:5005`. Trailing slashes are dropped.
 */
export function resolveTrackingUri(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const uri =
    nonEmpty(explicit) ??
    nonEmpty(env.LOCKSTEP_TRACKING_URI) ??
    nonEmpty(env.MLFLOW_TRACKING_URI) ??
    DEFAULT_TRACKING_URI;
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw new Error(`invalid tracking URI '${uri}'`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`invalid tracking URI '${uri}': only http and https are supported`);
  }
  return uri.replace(/\/+$/, "");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
