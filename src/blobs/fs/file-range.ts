import { openSync, readSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { isNotFound } from "./fs-errors.js";

/**
 * Ranges up to this size are read synchronously: quicker than a hop to the
 * thread pool and back (about 3x for 64 KiB), and short enough not to hold up
 * the event loop.
 */
export const SYNC_READ_MAX = 1024 * 1024;

/** Fills `target` from `offset` of an open file; returns the bytes read, fewer if it ends first. */
export function readIntoSync(fd: number, offset: number, target: Uint8Array): number {
  let at = 0;
  while (at < target.byteLength) {
    const n = readSync(fd, target, at, target.byteLength - at, offset + at);
    if (n === 0) break;
    at += n;
  }
  return at;
}

/**
 * Fills `target` from `offset` of the file at `path`, on a descriptor of its
 * own; returns the bytes read, or undefined if there is no such file.
 */
export async function readInto(
  path: string,
  offset: number,
  target: Uint8Array,
): Promise<number | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  try {
    let at = 0;
    while (at < target.byteLength) {
      const { bytesRead } = await handle.read(target, at, target.byteLength - at, offset + at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at;
  } finally {
    await handle.close();
  }
}

/** `size` bytes at `offset` of an open file, fewer if it ends first. */
export function readRangeSync(fd: number, offset: number, size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  return bytes.subarray(0, readIntoSync(fd, offset, bytes));
}

/** `size` bytes at `offset` of the file at `path`, fewer if it ends first; undefined if there is no such file. */
export async function readRange(
  path: string,
  offset: number,
  size: number,
): Promise<Buffer | undefined> {
  const bytes = Buffer.allocUnsafe(size);
  const read = await readInto(path, offset, bytes);
  return read === undefined ? undefined : bytes.subarray(0, read);
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
