/**
 * A small but real CRDT engine for relay tests that must not depend on the document's
 * implementation: a grow-only set of entries `(replica, counter, payload)` where entry
 * `(r, c)` depends on `(r, c - 1)` (held until it arrives, like a sequence CRDT's origin).
 * Update: count, then entries; state vector: count, then (replica, highest contiguous counter).
 */
import { DecodeError, type Decoder, decodeWith, Encoder } from '@accord/core/protocol';
import type { DocumentEngine, RoomDocument } from '../../src/relay/document.js';

interface Entry {
  readonly replica: number;
  readonly counter: number;
  readonly payload: string;
}

function readEntries(bytes: Uint8Array): Entry[] {
  return decodeWith(bytes, (d: Decoder) => {
    const n = d.readCount(3);
    const out: Entry[] = [];
    for (let i = 0; i < n; i++) {
      const replica = d.readVarUint();
      const counter = d.readVarUint();
      if (counter === 0) throw new DecodeError('invalid', 'counter 0');
      out.push({ replica, counter, payload: d.readString() });
    }
    return out;
  });
}

/** Encode entries as an update. */
export function gsetUpdate(entries: readonly Entry[]): Uint8Array {
  const e = new Encoder();
  e.writeVarUint(entries.length);
  for (const x of entries) {
    e.writeVarUint(x.replica);
    e.writeVarUint(x.counter);
    e.writeString(x.payload);
  }
  return e.toBytes();
}

/** A G-Set document. */
export class GSetDocument implements RoomDocument {
  /** Integrated entries per replica, by counter (1..n contiguous). */
  readonly entries = new Map<number, string[]>();
  /** Entries waiting for their predecessor. */
  private held = new Map<string, Entry>();

  /**
   * `update` when an entry was integrated or an entry not held before is held now, else null.
   * Releasing held entries needs no other bytes: {@link GSetDocument.diff} sends joining sessions
   * the held entries too, so every session holds what the room holds.
   */
  apply(update: Uint8Array, _withReleased?: boolean): Uint8Array | null {
    const incoming = readEntries(update); // throws before any change
    let changed = false;
    for (const e of incoming) {
      const k = `${e.replica}:${e.counter}`;
      if (!this.held.has(k) && e.counter > (this.entries.get(e.replica)?.length ?? 0)) changed = true;
      this.held.set(k, e);
    }
    let progress = true;
    while (progress) {
      progress = false;
      for (const [k, e] of this.held) {
        const list = this.entries.get(e.replica) ?? [];
        if (e.counter <= list.length) this.held.delete(k);
        else if (e.counter === list.length + 1) {
          list.push(e.payload);
          this.entries.set(e.replica, list);
          this.held.delete(k);
          progress = true;
          changed = true;
        }
      }
    }
    return changed ? update : null;
  }

  stateVector(): Uint8Array {
    const e = new Encoder();
    e.writeVarUint(this.entries.size);
    for (const [r, list] of this.entries) {
      e.writeVarUint(r);
      e.writeVarUint(list.length);
    }
    return e.toBytes();
  }

  diff(stateVector: Uint8Array): Uint8Array {
    const sv = decodeWith(stateVector, (d) => {
      const n = d.readCount(2);
      const m = new Map<number, number>();
      for (let i = 0; i < n; i++) m.set(d.readVarUint(), d.readVarUint());
      return m;
    });
    const out: Entry[] = [];
    for (const [replica, list] of this.entries) {
      for (let c = (sv.get(replica) ?? 0) + 1; c <= list.length; c++) {
        out.push({ replica, counter: c, payload: list[c - 1] as string });
      }
    }
    out.push(...this.held.values());
    return gsetUpdate(out);
  }

  snapshot(): Uint8Array {
    return this.diff(new Uint8Array([0]));
  }

  complete(): boolean {
    return this.held.size === 0;
  }

  /** Sorted integrated payloads: equal for converged replicas. */
  toJSON(): string[] {
    return [...this.entries.values()].flat().sort();
  }
}

/** The engine for {@link GSetDocument}. */
export const gsetEngine: DocumentEngine = {
  create: () => new GSetDocument(),
  merge(updates) {
    const all = new Map<string, Entry>();
    for (const u of updates) for (const e of readEntries(u)) all.set(`${e.replica}:${e.counter}`, e);
    return gsetUpdate([...all.values()]);
  },
};
