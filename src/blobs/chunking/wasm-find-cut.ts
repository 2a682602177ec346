import type { findCut } from "./find-cut.js";

/**
 * The cut search's inner loop in WebAssembly: the same gear hash as
 * findCut (i32 arithmetic wraps exactly like `| 0`), about twice as fast
 * as V8's code for the JS loop. Hand-assembled because it is 70 bytes and
 * needs no toolchain:
 *
 *   (func (export "cut") (param $p $normal $limit $maskS $maskL i32) (result i32)
 *     (local $h i32)
 *     ;; twice: for [$normal, $maskS] then [$limit, $maskL]
 *     (block (loop
 *       (br_if 1 (i32.ge_u $p $stop))
 *       (local.set $h (i32.add (i32.shl $h 1) (i32.load (i32.shl (i32.load8_u $p) 2))))
 *       (local.set $p (i32.add $p 1))
 *       (if (i32.eqz (i32.and $h $mask)) (return $p))
 *       (br 0)))
 *     $p)
 *
 * The gear table sits at address 0 as 256 little-endian i32; data follows.
 */
function cutModuleBytes(): Uint8Array {
  const loop = (stop: number, mask: number) => [
    ...[0x02, 0x40, 0x03, 0x40],
    ...[0x20, 0x00, 0x20, stop, 0x4f, 0x0d, 0x01],
    ...[0x20, 0x05, 0x41, 0x01, 0x74],
    ...[0x20, 0x00, 0x2d, 0x00, 0x00, 0x41, 0x02, 0x74, 0x28, 0x02, 0x00],
    ...[0x6a, 0x22, 0x05],
    ...[0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00],
    ...[0x20, mask, 0x71, 0x45, 0x04, 0x40, 0x20, 0x00, 0x0f, 0x0b],
    ...[0x0c, 0x00, 0x0b, 0x0b],
  ];
  const body = [0x01, 0x01, 0x7f, ...loop(1, 3), ...loop(2, 4), 0x20, 0x00, 0x0b];
  const section = (id: number, content: number[]) => [id, content.length, ...content];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f]),
    ...section(2, [0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, 0x03, 0x63, 0x75, 0x74, 0x00, 0x00]),
    ...section(10, [0x01, body.length, ...body]),
  ]);
}

export const CUT_MODULE_BYTES = cutModuleBytes();

/** The part of the WebAssembly global used here (the DOM lib that types it is not loaded). */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

export interface WasmCutter {
  /** A buffer inside WebAssembly memory; cuts on it run in WebAssembly. */
  scratch: (size: number) => Uint8Array;
  findCut: typeof findCut;
}

/**
 * A cutter over one WebAssembly memory. Buffers from other memory fall back
 * to `jsFindCut`. Serialised into the chunk workers: self-contained.
 */
export function makeWasmCutter(moduleBytes: Uint8Array, jsFindCut: typeof findCut): WasmCutter {
  const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const GEAR_BYTES = 1024;
  let memory = new wasm.Memory({ initial: 1 });
  let cut: (p: number, normal: number, limit: number, maskS: number, maskL: number) => number;
  let view = new Uint8Array(0);
  let gearLoaded: Int32Array | undefined;
  const instantiate = (bytes: number): void => {
    memory = new wasm.Memory({ initial: Math.ceil((GEAR_BYTES + bytes) / 65536) });
    const instance = new wasm.Instance(new wasm.Module(moduleBytes), {
      env: { mem: memory },
    });
    cut = instance.exports.cut as typeof cut;
    view = new Uint8Array(memory.buffer, GEAR_BYTES, bytes);
    gearLoaded = undefined;
  };
  return {
    scratch: (size) => {
      if (view.length !== size) instantiate(size);
      return view;
    },
    findCut: (buf, start, end, c) => {
      if (buf.buffer !== memory.buffer) return jsFindCut(buf, start, end, c);
      if (gearLoaded !== c.gear) {
        new Int32Array(memory.buffer, 0, 256).set(c.gear);
        gearLoaded = c.gear;
      }
      const n = end - start;
      if (n <= c.min) return end;
      const limit = n > c.max ? start + c.max : end;
      const normal = Math.min(start + c.avg, limit);
      const base = buf.byteOffset;
      return cut(base + start + c.min, base + normal, base + limit, c.maskS, c.maskL) - base;
    },
  };
}
