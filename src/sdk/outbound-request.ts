/** A write the SDK owes the server: a batch, or the end of a run. */
export interface OutboundRequest {
  runId: string;
  method: "POST" | "PATCH";
  /** Path under the base URL. */
  path: string;
  /**
   * The JSON body. A function is called once, on the sender's turn, so the
   * logging code never pays for encoding; its result is kept for retries.
   */
  body: string | (() => string);
  /** Metric points carried, for reports. */
  points: number;
}

/** The body as text, encoding it (once) if needed. */
export function bodyOf(request: OutboundRequest): string {
  if (typeof request.body === "function") request.body = request.body();
  return request.body;
}
