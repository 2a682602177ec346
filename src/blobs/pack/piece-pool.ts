/**
 * Buffers for bulk pieces (pack downloads), handed out and given back so
 * they are reused: on these VMs a fresh large buffer costs a page fault per
 * 4 KiB, about a second per gigabyte, where a reused one costs nothing.
 */
export class PiecePool {
  private readonly free: Buffer[] = [];
  /** Backing stores handed out and not yet given back. */
  private readonly out = new Set<ArrayBufferLike>();

  /**
   * @param pieceBytes size of the pooled buffers; larger requests get a buffer of their own
   * @param keep most buffers kept while idle
   */
  constructor(
    readonly pieceBytes: number,
    private readonly keep: number,
  ) {}

  /** A buffer of exactly `size` bytes: a view of a pooled one when it fits. */
  take(size: number): Buffer {
    if (size > this.pieceBytes) return Buffer.allocUnsafe(size);
    const buffer = this.free.pop() ?? Buffer.allocUnsafeSlow(this.pieceBytes);
    this.out.add(buffer.buffer);
    return buffer.subarray(0, size);
  }

  /** Gives back the buffer behind `piece`, once it is no longer read; anything else is ignored. */
  release(piece: Uint8Array): void {
    if (!this.out.delete(piece.buffer)) return;
    if (this.free.length < this.keep) this.free.push(Buffer.from(piece.buffer, 0, this.pieceBytes));
  }
}
