import { unreachable } from "../../sdk/http-client.js";
import { LockstepApiError } from "../../sdk/lockstep-api-error.js";
import { nodeRequest } from "../../sdk/node-request.js";

/** One JSON request on `lockstep run`'s start-up path, where fetch is not loaded yet. */
export async function quickRequest<T>(
  baseUrl: string,
  method: "POST" | "PATCH",
  path: string,
  body: unknown,
): Promise<T> {
  const payload = JSON.stringify(body);
  try {
    return (await nodeRequest(
      new URL(`${baseUrl.replace(/\/+$/, "")}${path}`),
      {
        method,
        headers: {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(payload)),
        },
      },
      (req) => req.end(payload),
    )) as T;
  } catch (error) {
    throw error instanceof LockstepApiError ? error : unreachable(baseUrl, error);
  }
}
