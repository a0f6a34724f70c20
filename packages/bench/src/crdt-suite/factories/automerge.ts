/**
 * Automerge under the suite's adapter interface, as the suite's own Automerge factory does it:
 * one `change` and one `saveIncremental` update per change or transaction, remote updates with
 * `loadIncremental`, map strings as `ImmutableString` (the suite's `RawString`: a plain value,
 * not a text CRDT, the like-for-like comparison with the others), the state with `save`.
 */
import * as A from '@automerge/automerge';
import { packageVersion } from '../../util/package-version.js';
import type { AbstractCrdt, Bytes, CrdtFactory, UpdateHandler } from '../types.js';

type Shape = {
  array: unknown[];
  map: Record<string, unknown>;
  text: string;
};

let initial: Uint8Array | null = null;
/** The saved empty document every replica starts from (shared root objects). */
function initialBytes(): Uint8Array {
  initial ??= A.save(
    A.from<Shape>({ array: [], map: {}, text: '' }, { actor: '00'.repeat(16) as A.ActorId }),
  );
  return initial;
}

class AutomergeCrdt implements AbstractCrdt {
  private doc: A.Doc<Shape>;
  private tx: Shape | null = null;

  constructor(
    private readonly onUpdate: UpdateHandler,
    init: Uint8Array,
  ) {
    this.doc = A.load<Shape>(init);
  }

  private change(f: (d: Shape) => void): void {
    if (this.tx !== null) {
      f(this.tx);
      return;
    }
    this.doc = A.change(this.doc, (d) => {
      this.tx = d;
      try {
        f(d);
      } finally {
        this.tx = null;
      }
    });
    this.onUpdate(A.saveIncremental(this.doc));
  }

  getEncodedState(): Bytes {
    return A.save(this.doc);
  }
  applyUpdate(update: Bytes): void {
    this.doc = A.loadIncremental(this.doc, update);
  }
  insertArray(index: number, elements: unknown[]): void {
    this.change((d) => {
      d.array.splice(index, 0, ...elements);
    });
  }
  deleteArray(index: number, length: number): void {
    this.change((d) => {
      d.array.splice(index, length);
    });
  }
  getArray(): unknown[] {
    return this.doc.array;
  }
  insertText(index: number, text: string): void {
    this.change((d) => A.splice(d, ['text'], index, 0, text));
  }
  deleteText(index: number, length: number): void {
    this.change((d) => A.splice(d, ['text'], index, length, ''));
  }
  getText(): string {
    return this.doc.text.toString();
  }
  transact(f: (crdt: AbstractCrdt) => void, isUpdate = false): void {
    // Automerge cannot apply remote changes inside a local change.
    if (isUpdate) f(this);
    else this.change(() => f(this));
  }
  setMap(key: string, value: unknown): void {
    this.change((d) => {
      d.map[key] = typeof value === 'string' ? new A.ImmutableString(value) : value;
    });
  }
  getMap(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.doc.map)) out[k] = A.isImmutableString(v) ? v.toString() : v;
    return out;
  }
}

/** The Automerge factory. */
export const automergeFactory: CrdtFactory = {
  name: 'automerge',
  version: packageVersion('@automerge/automerge'),
  create: (onUpdate) => new AutomergeCrdt(onUpdate, initialBytes()),
  load: (onUpdate, bytes) => new AutomergeCrdt(onUpdate, bytes),
};
