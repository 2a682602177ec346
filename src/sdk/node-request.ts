import { type ClientRequest, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { parseApiAnswer } from "./http-client.js";

export type NodeRequestOptions = {
  method: "POST" | "PUT" | "PATCH";
  headers: Record<string, string>;
  timeoutMs?: number;
};

/**
 * One request over node:http(s): the 2xx body as JSON, the server's error as
 * LockstepApiError, a network failure as it came. Unlike fetch it has nothing
 * to load on first use (fetch costs 150-300 ms, which a starting command would
 * wait for), streams a body with back-pressure, and keeps no socket alive to
 * hold the process open at its end. `send` writes the body and ends it.
 */
export function nodeRequest(
  url: URL,
  options: NodeRequestOptions,
  send: (req: ClientRequest) => void,
): Promise<unknown> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          try {
            resolve(
              parseApiAnswer(
                res.statusCode ?? 0,
                Buffer.concat(chunks).toString("utf8"),
                res.statusMessage,
              ),
            );
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error("timed out")));
    req.once("error", reject);
    send(req);
  });
}
