import { invalidParameter } from "./mlflow-errors.js";

/** Where a proxied artifact path points: a run and a path under its artifact root ("" for the root). */
export interface ProxyTarget {
  runId: string;
  path: string;
}

// `<experiment id or custom location>/<run id>/artifacts[/<path>]`, as a run's
// artifact_uri `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts` resolves.
const RUN_ARTIFACTS = /^(?:.*\/)?([0-9a-f]{32})\/artifacts(?:\/(.*))?$/;

export function parseProxyPath(raw: string): ProxyTarget | undefined {
  // Checked on the whole path, or `<run a>/artifacts/../../<run b>/artifacts` would pass as run b.
  if (raw.split("/").some((segment) => segment === "." || segment === "..")) {
    throw invalidParameter(
      `Artifact path ${JSON.stringify(raw.slice(0, 200))} must not contain '.' or '..' segments`,
    );
  }
  const match = RUN_ARTIFACTS.exec(raw.replace(/^\/+/, ""));
  if (!match) return undefined;
  return { runId: match[1] as string, path: (match[2] ?? "").replace(/\/+$/, "") };
}

/** Like parseProxyPath, for routes that name a file or folder inside a run. */
export function requireProxyPath(raw: string): ProxyTarget {
  const target = parseProxyPath(raw);
  if (!target) {
    throw invalidParameter(
      `Artifact path ${JSON.stringify(raw.slice(0, 200))} is not under a run's artifact root ` +
        "(<experiment_id>/<run_id>/artifacts/...)",
    );
  }
  return target;
}
