/**
 * Accord adapter: `doc.getText('text')` in a `Doc`, one `doc.transact` per transaction,
 * `encodeStateAsUpdate(doc)` (the compact snapshot) and `applyUpdate` into a fresh `Doc`.
 * `@accord/core` is loaded at run time and checked (see `accord/core-api.ts`).
 */
import {
  type AccordCoreApi,
  type AccordDoc,
  type AccordText,
  loadAccordCore,
} from '../../accord/core-api.js';
import type { TracePatch } from '../trace-file.js';
import type { PeerReplica, TextAdapter } from './types.js';

class AccordReplica implements PeerReplica {
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
      for (let k = 0; k < patches.length; k++) {
        const p = patches[k] as TracePatch;
        const pos = p[0];
        const del = p[1];
        const ins = p[2];
        if (del > 0) t.delete(pos, del);
        if (ins !== '') t.insert(pos, ins);
      }
    });
  }

  applyLocal(patches: readonly TracePatch[]): Uint8Array {
    let update: Uint8Array | null = null;
    const grab = (u: Uint8Array) => {
      update = u;
    };
    this.doc.on('update', grab);
    this.applyTxn(patches);
    this.doc.off('update', grab);
    return update ?? new Uint8Array(0);
  }

  applyRemote(update: Uint8Array): void {
    this.core.applyUpdate(this.doc, update);
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
    init: () => null,
    peer: (agent) => new AccordReplica(core, new core.Doc({ clientId: agent + 1 })),
    fork(bytes, agent) {
      const doc = new core.Doc({ clientId: agent + 1 });
      core.applyUpdate(doc, bytes);
      return new AccordReplica(core, doc);
    },
  };
}
