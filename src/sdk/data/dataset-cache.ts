import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { type DatasetVersionInfo, getDatasetManifest } from "../api-datasets.js";
import type { HttpClient } from "../http-client.js";
import { type CheckoutOptions, checkoutManifest } from "./checkout-manifest.js";

/** `$LOCKSTEP_HOME/cache`, else `~/.lockstep/cache`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.LOCKSTEP_HOME?.trim();
  return home ? join(home, "cache") : join(homedir(), ".lockstep", "cache");
}

/** Where a version's files live in the cache: one folder per version digest. */
export function cachedVersionDir(cacheDir: string, digest: string): string {
  return join(cacheDir, "datasets", digest.replace(/^sha256:/, ""));
}

export interface CachedVersion {
  dir: string;
  /** False when the cache already held it. */
  downloaded: boolean;
}

/**
 * The version's files in the local cache, checked out (and verified) the
 * first time. A version is checked out into a temp folder and renamed into
 * place when complete, so a folder under its digest is always whole; an
 * interrupted checkout leaves only a `.tmp-*` folder beside them.
 * Other cached folders are offered as local sources, so a version close to
 * one already cached downloads only what differs.
 */
export async function checkoutToCache(
  http: HttpClient,
  version: DatasetVersionInfo,
  options: { cacheDir?: string; onProgress?: CheckoutOptions["onProgress"] } = {},
): Promise<CachedVersion> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dir = cachedVersionDir(cacheDir, version.digest);
  if (await isDir(dir)) return { dir, downloaded: false };
  const parent = join(cacheDir, "datasets");
  await mkdir(parent, { recursive: true });
  const siblings = await otherVersions(parent, dir);
  const temp = join(parent, `.tmp-${randomBytes(8).toString("hex")}`);
  try {
    const manifest = await getDatasetManifest(http, version.name, version.digest);
    await checkoutManifest(http, manifest, temp, {
      localSources: siblings,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    // Another process finished the same version first: theirs is as good.
    if (await isDir(dir)) return { dir, downloaded: false };
    throw error;
  }
  return { dir, downloaded: true };
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The newest few cached versions, as places a checkout may find chunks. */
async function otherVersions(parent: string, except: string): Promise<string[]> {
  const names = (await readdir(parent)).filter((n) => /^[0-9a-f]{64}$/.test(n));
  const dated = await Promise.all(
    names
      .map((n) => join(parent, n))
      .filter((p) => p !== except)
      .map(async (p) => ({ p, t: (await stat(p).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  return dated
    .sort((a, b) => b.t - a.t)
    .slice(0, 2)
    .map((d) => d.p);
}
