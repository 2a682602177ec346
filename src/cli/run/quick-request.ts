import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { LockstepApiError } from "../../sdk/lockstep-api-error.js";

/**
 * One JSON request over node:http. Used where `lockstep run` has not loaded
 * the SDK yet: Node's fetch costs 150-300 ms to load on its first use, which
 * the command would wait for.
 */
export function quickRequest<T>(
  baseUrl: string,
  method: "POST" | "PATCH",
  path: string,
  body: unknown,
): Promise<T> {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}${path}`);
  const payload = JSON.stringify(body);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method,
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
          const status = res.statusCode ?? 0;
          const parsed = parseJson(Buffer.concat(chunks).toString("utf8")) as
            | (T & { error?: { code?: string; message?: string } })
            | undefined;
          if (status >= 200 && status < 300 && parsed !== undefined) {
            resolve(parsed);
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
          { cause },
        ),
      );
    });
    req.end(payload);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
