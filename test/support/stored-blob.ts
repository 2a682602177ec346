import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { PackIndex } from "../../src/blobs/fs/pack-index.js";

/** Where a file-system blob store keeps a blob's bytes: a loose file, or a range of a pack. */
export function storedBlobLocation(
  blobsDir: string,
  digest: string,
): { path: string; offset: number } {
  const indexPath = join(blobsDir, "packs", "index.sqlite");
  if (existsSync(indexPath)) {
    const index = PackIndex.open(indexPath);
    try {
      const packed = index.lookup(digest);
      if (packed) return { path: join(blobsDir, "packs", packed.pack), offset: packed.offset };
    } finally {
      index.close();
    }
  }
  return { path: loosePath(blobsDir, digest), offset: 0 };
}

function loosePath(blobsDir: string, digest: string): string {
  const hex = digest.replace(/^sha256:/, "");
  return join(blobsDir, "sha256", hex.slice(0, 2), hex.slice(2, 4), hex);
}

/** Removes every stored byte behind the server's back (the index stays, so reads fail). */
export function removeStoredBytes(blobsDir: string): void {
  rmSync(join(blobsDir, "sha256"), { recursive: true, force: true });
  const packDir = join(blobsDir, "packs");
  for (const name of existsSync(packDir) ? readdirSync(packDir) : []) {
    if (name.endsWith(".pack")) rmSync(join(packDir, name), { force: true });
  }
}

/** Deletes one blob behind the server's back, packed or loose, as an operator's mistake would. */
export function deleteStoredBlob(blobsDir: string, digest: string): void {
  const indexPath = join(blobsDir, "packs", "index.sqlite");
  if (existsSync(indexPath)) {
    const index = PackIndex.open(indexPath);
    try {
      index.delete(digest);
    } finally {
      index.close();
    }
  }
  rmSync(loosePath(blobsDir, digest), { force: true });
}

/** Inverts one byte of a file in place (read-only files too, as root or owner). */
export function flipByteAt(path: string, at: number): void {
  chmodSync(path, 0o644);
  const fd = openSync(path, "r+");
  try {
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, at);
    byte[0] = (byte[0] as number) ^ 0xff;
    writeSync(fd, byte, 0, 1, at);
  } finally {
    closeSync(fd);
  }
}

/** Damages a stored blob behind the server's back: byte `at` of its bytes is inverted. */
export function flipStoredByte(blobsDir: string, digest: string, at: number): void {
  const { path, offset } = storedBlobLocation(blobsDir, digest);
  flipByteAt(path, offset + at);
}
