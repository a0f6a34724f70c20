/**
 * Accord under the suite's adapter interface: a `Doc` with the text `'text'`, the list `'array'`
 * and the map `'map'`; every transaction's `'update'` event is the update, `doc.transact` batches,
 * and the state is `encodeStateAsUpdate(doc)` (the compact snapshot) loaded with `applyUpdate`.
 */
import { applyUpdate, Doc, type DocMap, encodeStateAsUpdate, type List, type Text } from '@accord/core';
import type { AbstractCrdt, Bytes, CrdtFactory, UpdateHandler } from '../types.js';

class AccordCrdt implements AbstractCrdt {
  readonly doc = new Doc();
  private readonly text: Text = this.doc.getText('text');
  private readonly list: List = this.doc.getList('array');
  private readonly map: DocMap = this.doc.getMap('map');

  constructor(onUpdate: UpdateHandler) {
    this.doc.on('update', (u) => onUpdate(u));
  }

  getEncodedState(): Bytes {
    return encodeStateAsUpdate(this.doc);
  }
  applyUpdate(update: Bytes): void {
    applyUpdate(this.doc, update);
  }
  insertArray(index: number, elements: unknown[]): void {
    this.list.insert(index, ...elements);
  }
  deleteArray(index: number, length: number): void {
    this.list.delete(index, length);
  }
  getArray(): unknown[] {
    return this.list.toArray();
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

/** The Accord factory. */
export const accordFactory: CrdtFactory = {
  name: 'accord',
  version: 'workspace',
  create: (onUpdate) => new AccordCrdt(onUpdate),
  load(onUpdate, bytes) {
    const crdt = new AccordCrdt(onUpdate);
    crdt.applyUpdate(bytes);
    return crdt;
  },
};
