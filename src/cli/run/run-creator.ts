import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Run } from "../../domain/run.js";
import type { CreateRunRequest } from "../../sdk/api-client.js";
import { LockstepApiError } from "../../sdk/lockstep-api-error.js";

/**
 * POST /api/v1/runs over node:http. The command cannot start before its run
 * exists, and Node's fetch costs 150-300 ms to load on its first use, so this
 * one request on the start-up path avoids it; everything after uses the SDK.
 */
export function createRunQuickly(baseUrl: string, body: CreateRunRequest): Promise<Run> {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}/api/v1/runs`);
  const payload = JSON.stringify(body);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
        timeout: 30_000,
        // A kept-alive socket would hold the process open after the run ends.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          let parsed: { run?: Run; error?: { code?: string; message?: string } } | undefined;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          if (status >= 200 && status < 300 && parsed?.run) {
            resolve(parsed.run);
            return;
          }
          reject(
            new LockstepApiError(
              status,
              parsed?.error?.code ?? `HTTP_${status}`,
              parsed?.error?.message ?? `the server answered ${status}`,
            ),
          );
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (cause: NodeJS.ErrnoException) => {
      const reason = cause.code === "ECONNREFUSED" ? "connection refused" : cause.message;
      reject(
        new LockstepApiError(
          0,
          "UNAVAILABLE",
          `cannot reach the tracking server at ${baseUrl} (${reason})`,
          {
            cause,
          },
        ),
      );
    });
    req.end(payload);
  });
}
