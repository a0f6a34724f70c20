/**
 * Hostile frames from a corpus of real updates: random bytes, truncations, bit flips, spliced
 * updates, inserted/removed bytes, overlong varints, huge lengths, and (valid) duplicates. Every
 * frame comes from a seeded PRNG, so a failing frame can be regenerated from `(seed, index)`.
 */
import type { Rng } from '../util/prng.js';

/** The ways a frame is made. */
export const mutationKinds = [
  'random',
  'truncate',
  'bitflip',
  'splice',
  'insert-bytes',
  'delete-bytes',
  'varint-max',
  'duplicate',
] as const;

/** One of {@link mutationKinds}. */
export type MutationKind = (typeof mutationKinds)[number];

/** A generated frame and how it was made. */
export interface HostileFrame {
  readonly kind: MutationKind;
  readonly bytes: Uint8Array;
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)] as T;
}

/**
 * Makes one hostile frame from `corpus` (real, valid updates; must not be empty).
 * `duplicate` returns a real update unchanged (it must be accepted and change nothing new).
 */
export function mutate(rng: Rng, corpus: readonly Uint8Array[]): HostileFrame {
  const kind = pick(rng, mutationKinds);
  const base = pick(rng, corpus);
  switch (kind) {
    case 'random':
      return { kind, bytes: randomBytes(rng, rng.int(rng.next() < 0.8 ? 64 : 4096)) };
    case 'truncate':
      return { kind, bytes: base.slice(0, rng.int(Math.max(1, base.length))) };
    case 'bitflip': {
      const bytes = base.slice();
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips && bytes.length > 0; i++) {
        const at = rng.int(bytes.length);
        bytes[at] = (bytes[at] as number) ^ (1 << rng.int(8));
      }
      return { kind, bytes };
    }
    case 'splice': {
      const other = pick(rng, corpus);
      const a = base.slice(0, rng.int(base.length + 1));
      const b = other.slice(rng.int(other.length + 1));
      const bytes = new Uint8Array(a.length + b.length);
      bytes.set(a);
      bytes.set(b, a.length);
      return { kind, bytes };
    }
    case 'insert-bytes': {
      const at = rng.int(base.length + 1);
      const extra = randomBytes(rng, 1 + rng.int(16));
      const bytes = new Uint8Array(base.length + extra.length);
      bytes.set(base.subarray(0, at));
      bytes.set(extra, at);
      bytes.set(base.subarray(at), at + extra.length);
      return { kind, bytes };
    }
    case 'delete-bytes': {
      const at = rng.int(base.length + 1);
      const n = 1 + rng.int(8);
      const bytes = new Uint8Array([...base.subarray(0, at), ...base.subarray(at + n)]);
      return { kind, bytes };
    }
    case 'varint-max': {
      // Overwrite a stretch with 0xff…0x7f: a huge varint (a length or count that would
      // allocate or loop forever if unchecked).
      const bytes = base.slice();
      const at = rng.int(Math.max(1, bytes.length));
      const n = 1 + rng.int(9);
      for (let i = 0; i < n && at + i < bytes.length; i++) bytes[at + i] = i === n - 1 ? 0x7f : 0xff;
      return { kind, bytes };
    }
    case 'duplicate':
      return { kind, bytes: base.slice() };
  }
}
