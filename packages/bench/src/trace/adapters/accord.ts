/**
 * Accord adapter: `doc.getText('text')` in a `Doc`, one `doc.transact` per transaction,
 * `encodeStateAsUpdate(doc)` (the compact snapshot) and `applyUpdate` into a fresh `Doc`.
 *
 * `@accord/core` is loaded at run time and checked for the agreed document API, so the bench
 * builds and runs (reporting Accord as unavailable) while the document is still being written.
 */
import type { TracePatch } from '../trace-file.js';
import type { TextAdapter, TextReplica } from './types.js';

/** The part of Accord's `Text` the bench uses. */
export interface AccordText {
  insert(index: number, text: string): void;
  delete(index: number, length: number): void;
  toString(): string;
}

/** The part of Accord's `Doc` the bench uses. */
export interface AccordDoc {
  getText(name: string): AccordText;
  transact(fn: () => void, origin?: unknown): void;
}

/** The part of `@accord/core` the benches use (the agreed API of the brief). */
export interface AccordCoreApi {
  Doc: new (opts?: { clientId?: number }) => AccordDoc;
  encodeStateAsUpdate(doc: AccordDoc, stateVector?: Uint8Array): Uint8Array;
  encodeStateVector(doc: AccordDoc): Uint8Array;
  applyUpdate(doc: AccordDoc, update: Uint8Array, origin?: unknown): void;
}

/** Thrown when `@accord/core` does not (yet) export the document API. */
export class AccordUnavailableError extends Error {
  constructor(missing: string[]) {
    super(`@accord/core does not export ${missing.join(', ')} yet`);
    this.name = 'AccordUnavailableError';
  }
}

/**
 * Imports `@accord/core` and checks it offers the document API.
 * @throws AccordUnavailableError when a member is missing.
 */
export async function loadAccordCore(): Promise<AccordCoreApi> {
  const mod = (await import('@accord/core')) as Record<string, unknown>;
  const needed = ['Doc', 'encodeStateAsUpdate', 'encodeStateVector', 'applyUpdate'];
  const missing = needed.filter((k) => typeof mod[k] !== 'function');
  if (missing.length > 0) throw new AccordUnavailableError(missing);
  return mod as unknown as AccordCoreApi;
}

class AccordReplica implements TextReplica {
  private readonly core: AccordCoreApi;
  private readonly doc: AccordDoc;
  private readonly atext: AccordText;

  constructor(core: AccordCoreApi, doc: AccordDoc) {
    this.core = core;
    this.doc = doc;
    this.atext = doc.getText('text');
  }

  applyTxn(patches: readonly TracePatch[]): void {
    const t = this.atext;
    this.doc.transact(() => {
      for (const [pos, del, ins] of patches) {
        if (del > 0) t.delete(pos, del);
        if (ins !== '') t.insert(pos, ins);
      }
    });
  }

  text(): string {
    return this.atext.toString();
  }

  encode(): Uint8Array {
    return this.core.encodeStateAsUpdate(this.doc);
  }
}

/**
 * Builds the Accord adapter.
 * @throws AccordUnavailableError when `@accord/core` has no document API yet.
 */
export async function createAccordAdapter(): Promise<TextAdapter> {
  const core = await loadAccordCore();
  return {
    lib: 'accord',
    version: 'workspace',
    create: () => new AccordReplica(core, new core.Doc()),
    load(bytes) {
      const doc = new core.Doc();
      core.applyUpdate(doc, bytes);
      return new AccordReplica(core, doc);
    },
  };
}
