import { DecodeError } from '@accord/core';
import type { DocSync } from '../../src/doc-sync.js';

/** Encode a set of numeric "ops" as an update (4 bytes little endian each). */
export function encodeOps(ops: Iterable<number>): Uint8Array {
  const list = [...ops];
  const out = new Uint8Array(list.length * 4);
  const view = new DataView(out.buffer);
  for (const [i, op] of list.entries()) view.setUint32(i * 4, op, true);
  return out;
}

/** Decode an update made by {@link encodeOps}; throws DecodeError on a ragged length. */
export function decodeOps(bytes: Uint8Array): number[] {
  if (bytes.length % 4 !== 0) throw new DecodeError('truncated', 'ragged op update');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(i * 4, true));
}

/**
 * A stand-in document for protocol tests: its state is a set of ops, an update is a list of ops,
 * merge is union, the state vector is the set itself. Idempotent and commutative like a CRDT.
 */
export class FakeDoc implements DocSync {
  readonly ops = new Set<number>();
  private readonly listeners = new Set<(update: Uint8Array, origin: unknown) => void>();

  /** A local edit: add an op and fire an update with origin 'local'. */
  edit(op: number): void {
    this.ops.add(op);
    this.fire(encodeOps([op]), 'local');
  }

  stateVector(): Uint8Array {
    return encodeOps(this.ops);
  }

  missingFor(stateVector: Uint8Array): Uint8Array | undefined {
    const theirs = new Set(decodeOps(stateVector));
    const missing = [...this.ops].filter((op) => !theirs.has(op));
    return missing.length === 0 ? undefined : encodeOps(missing);
  }

  fullState(): Uint8Array | undefined {
    return this.ops.size === 0 ? undefined : encodeOps(this.ops);
  }

  apply(update: Uint8Array, origin: unknown): void {
    const fresh = decodeOps(update).filter((op) => !this.ops.has(op));
    for (const op of fresh) this.ops.add(op);
    if (fresh.length > 0) this.fire(encodeOps(fresh), origin);
  }

  merge(updates: Uint8Array[]): Uint8Array {
    return encodeOps(new Set(updates.flatMap((u) => decodeOps(u))));
  }

  split(update: Uint8Array, maxBytes: number): Uint8Array[] {
    const ops = decodeOps(update);
    const per = Math.max(1, Math.floor(maxBytes / 4));
    const parts: Uint8Array[] = [];
    for (let i = 0; i < ops.length; i += per) parts.push(encodeOps(ops.slice(i, i + per)));
    return parts;
  }

  onUpdate(listener: (update: Uint8Array, origin: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private fire(update: Uint8Array, origin: unknown): void {
    for (const l of [...this.listeners]) l(update, origin);
  }
}
