import { openSync, readSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { isNotFound } from "./fs-errors.js";

/**
 * Ranges up to this size are read synchronously: quicker than a hop to the
 * thread pool and back (about 3x for 64 KiB), and short enough not to hold up
 * the event loop.
 */
export const SYNC_READ_MAX = 1024 * 1024;

/** `size` bytes at `offset` of an open file, fewer if it ends first. */
export function readRangeSync(fd: number, offset: number, size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = readSync(fd, bytes, at, size - at, offset + at);
    if (n === 0) break;
    at += n;
  }
  return at === size ? bytes : bytes.subarray(0, at);
}

/**
 * `size` bytes at `offset` of the file at `path`, fewer if it ends first, on a
 * descriptor of its own; undefined if there is no such file.
 */
export async function readRange(
  path: string,
  offset: number,
  size: number,
): Promise<Buffer | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  try {
    const bytes = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, size - at, offset + at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** A descriptor for reading, or undefined if there is no such file. */
export function openForReading(path: string): number | undefined {
  try {
    return openSync(path, "r");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
