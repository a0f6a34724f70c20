/**
 * Splits a byte stream into `[u32 big-endian length][body]` frames. Chunks are gathered in a list
 * and joined once per frame, so a large frame arriving in many small chunks costs one copy, not
 * one per chunk. The largest accepted frame can change between frames (small during a handshake,
 * large after it), and so can the handler.
 */

/** Incremental reader of length-prefixed frames. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private stopped = false;

  /**
   * `maxFrame`: the largest body accepted; a longer length prefix calls `onBad` and stops the
   * reader. `onFrame` gets each complete body (a view valid until it returns; copy to keep it).
   */
  constructor(
    public maxFrame: number,
    public onFrame: (body: Uint8Array) => void,
    private readonly onBad: (length: number) => void,
  ) {}

  /** Stop delivering frames (the socket is being closed). */
  stop(): void {
    this.stopped = true;
    this.chunks = [];
    this.buffered = 0;
  }

  /** Feed bytes from the socket. */
  push(chunk: Buffer): void {
    if (this.stopped) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.stopped && this.buffered >= 4) {
      const head = this.peekLength();
      if (head > this.maxFrame) {
        this.stop();
        this.onBad(head);
        return;
      }
      if (this.buffered < 4 + head) return;
      const all =
        this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.buffered);
      const body = all.subarray(4, 4 + head);
      const rest = all.subarray(4 + head);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.onFrame(body);
    }
  }

  private peekLength(): number {
    const first = this.chunks[0] as Buffer;
    if (first.length >= 4) return first.readUInt32BE(0);
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return joined.readUInt32BE(0);
  }
}

/** `body` with its 4-byte length prefix. */
export function lengthPrefixed(body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.set(body, 4);
  return out;
}
