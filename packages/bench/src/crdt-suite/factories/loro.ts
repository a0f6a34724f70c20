/**
 * Loro under the suite's adapter interface, as the suite's own Loro factory does it: one commit
 * and one exported update (`mode: 'update'` from the last exported version) per change or
 * transaction, updates applied inside a transaction imported as one batch at its end, and the
 * state as a snapshot (what the Loro team recommends; loads fastest).
 */
import { LoroDoc, type LoroList, type LoroMap, type LoroText, type VersionVector } from 'loro-crdt';
import { packageVersion } from '../../util/package-version.js';
import type { AbstractCrdt, Bytes, CrdtFactory, UpdateHandler } from '../types.js';

class LoroCrdt implements AbstractCrdt {
  private version: VersionVector | undefined;
  private readonly list: LoroList;
  private readonly map: LoroMap;
  private readonly text: LoroText;
  private inTransact = false;
  private cached: Uint8Array[] = [];

  constructor(
    readonly doc: LoroDoc,
    private readonly onUpdate: UpdateHandler,
  ) {
    this.list = doc.getList('list');
    this.map = doc.getMap('map');
    this.text = doc.getText('text');
  }

  getEncodedState(): Bytes {
    return this.doc.export({ mode: 'snapshot' });
  }
  applyUpdate(update: Bytes): void {
    if (this.inTransact) this.cached.push(update);
    else this.doc.import(update);
  }
  insertArray(index: number, elements: unknown[]): void {
    this.transact(() => {
      for (let i = 0; i < elements.length; i++) this.list.insert(index + i, elements[i] as never);
    });
  }
  deleteArray(index: number, length: number): void {
    this.transact(() => this.list.delete(index, length));
  }
  getArray(): unknown[] {
    return this.list.toArray();
  }
  insertText(index: number, text: string): void {
    this.transact(() => this.text.insert(index, text));
  }
  deleteText(index: number, length: number): void {
    this.transact(() => this.text.delete(index, length));
  }
  getText(): string {
    return this.text.toString();
  }
  transact(f: (crdt: AbstractCrdt) => void): void {
    if (this.inTransact) {
      f(this);
      return;
    }
    this.inTransact = true;
    try {
      f(this);
      if (this.cached.length > 0) {
        this.doc.importBatch(this.cached);
        this.cached = [];
      }
      this.doc.commit();
      const from = this.version;
      this.onUpdate(this.doc.export(from === undefined ? { mode: 'update' } : { mode: 'update', from }));
      this.version = this.doc.oplogVersion();
    } finally {
      this.inTransact = false;
    }
  }
  setMap(key: string, value: unknown): void {
    this.transact(() => this.map.set(key, value as never));
  }
  getMap(): Record<string, unknown> {
    return this.map.toJSON() as Record<string, unknown>;
  }
}

/** The Loro factory. */
export const loroFactory: CrdtFactory = {
  name: 'loro',
  version: packageVersion('loro-crdt'),
  create: (onUpdate) => new LoroCrdt(new LoroDoc(), onUpdate),
  load(onUpdate, bytes) {
    const doc = new LoroDoc();
    doc.import(bytes);
    return new LoroCrdt(doc, onUpdate);
  },
};
