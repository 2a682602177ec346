import { randomBytes } from "node:crypto";

const RUN_ID = /^[0-9a-f]{32}$/;

/** A new run id: 32 lowercase hex characters, as MLflow clients expect. */
export function newRunId(): string {
  return randomBytes(16).toString("hex");
}

export function isRunId(value: string): boolean {
  return RUN_ID.test(value);
}
