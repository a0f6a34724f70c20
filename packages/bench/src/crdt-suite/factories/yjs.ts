/**
 * Yjs under the suite's adapter interface, as the suite's own Yjs factory does it: a `Y.Doc`
 * with `Y.Text` `'text'`, `Y.Array` `'array'`, `Y.Map` `'map'`, `updateV2` events and
 * `encodeStateAsUpdateV2` (its smaller format).
 */
import * as Y from 'yjs';
import { packageVersion } from '../../util/package-version.js';
import type { AbstractCrdt, Bytes, CrdtFactory, UpdateHandler } from '../types.js';

class YjsCrdt implements AbstractCrdt {
  readonly doc = new Y.Doc();
  private readonly text = this.doc.getText('text');
  private readonly array = this.doc.getArray<unknown>('array');
  private readonly map = this.doc.getMap<unknown>('map');

  constructor(onUpdate: UpdateHandler) {
    this.doc.on('updateV2', (u: Uint8Array) => onUpdate(u));
  }

  getEncodedState(): Bytes {
    return Y.encodeStateAsUpdateV2(this.doc);
  }
  applyUpdate(update: Bytes): void {
    Y.applyUpdateV2(this.doc, update);
  }
  insertArray(index: number, elements: unknown[]): void {
    this.array.insert(index, elements);
  }
  deleteArray(index: number, length: number): void {
    this.array.delete(index, length);
  }
  getArray(): unknown[] {
    return this.array.toArray();
  }
  insertText(index: number, text: string): void {
    this.text.insert(index, text);
  }
  deleteText(index: number, length: number): void {
    this.text.delete(index, length);
  }
  getText(): string {
    return this.text.toString();
  }
  transact(f: (crdt: AbstractCrdt) => void): void {
    this.doc.transact(() => f(this));
  }
  setMap(key: string, value: unknown): void {
    this.map.set(key, value);
  }
  getMap(): Record<string, unknown> {
    return this.map.toJSON();
  }
}

/** The Yjs factory. */
export const yjsFactory: CrdtFactory = {
  name: 'yjs',
  version: packageVersion('yjs'),
  create: (onUpdate) => new YjsCrdt(onUpdate),
  load(onUpdate, bytes) {
    const crdt = new YjsCrdt(onUpdate);
    crdt.applyUpdate(bytes);
    return crdt;
  },
};
