import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** `sha256:<hex>`, the same naming the blob store uses for content. */
export function digestOfBytes(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Streams the file so that a large lockfile or environment file is not held in memory. */
export async function digestOfFile(path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    hash.update(bytes);
  }
  return { digest: `sha256:${hash.digest("hex")}`, size };
}
