import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { defaultCacheDir } from "../../sdk/data/dataset-cache.js";

/**
 * Where the stat cache of a tracked folder lives: in the local cache, one
 * file per absolute path, so `data status` on a folder that `data add` read
 * needs no re-hashing of unchanged files and the folder itself stays clean.
 */
export function statCachePathFor(source: string): string {
  const dir = join(defaultCacheDir(), "stat");
  mkdirSync(dir, { recursive: true });
  const key = createHash("sha256").update(resolve(source)).digest("hex").slice(0, 32);
  return join(dir, `${key}.bin`);
}
