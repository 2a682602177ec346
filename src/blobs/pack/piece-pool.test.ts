import { describe, expect, it } from "vitest";
import { PiecePool } from "./piece-pool.js";

describe("PiecePool", () => {
  it("reuses a buffer given back, never one still out, and gives each back once", () => {
    const pool = new PiecePool(1024, 2);
    const a = pool.take(100);
    const b = pool.take(1024);
    expect(a.byteLength).toBe(100);
    expect(a.buffer).not.toBe(b.buffer);
    pool.release(a);
    pool.release(a);
    const c = pool.take(500);
    expect(c.buffer).toBe(a.buffer);
    // The double release above must not hand the same buffer out twice.
    expect(pool.take(10).buffer).not.toBe(c.buffer);
  });

  it("gives larger requests a buffer of their own and ignores foreign pieces", () => {
    const pool = new PiecePool(1024, 2);
    const big = pool.take(4096);
    expect(big.byteLength).toBe(4096);
    pool.release(big);
    pool.release(Buffer.alloc(10));
    expect(pool.take(10).buffer).not.toBe(big.buffer);
  });

  it("keeps at most `keep` idle buffers", () => {
    const pool = new PiecePool(64, 1);
    const [a, b] = [pool.take(64), pool.take(64)];
    pool.release(a);
    pool.release(b);
    const again = [pool.take(64), pool.take(64)].map((x) => x.buffer);
    expect(again.filter((x) => x === a.buffer || x === b.buffer)).toHaveLength(1);
  });
});
