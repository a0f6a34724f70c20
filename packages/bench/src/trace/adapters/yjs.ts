/** Yjs adapter: `Y.Text` in a `Y.Doc`, encoded with `encodeStateAsUpdateV2` (its smaller format). */
import * as Y from 'yjs';
import { packageVersion } from '../../util/package-version.js';
import type { TracePatch } from '../trace-file.js';
import type { PeerReplica, TextAdapter } from './types.js';

class YjsReplica implements PeerReplica {
  private readonly doc: Y.Doc;
  private readonly ytext: Y.Text;

  constructor(doc: Y.Doc) {
    this.doc = doc;
    this.ytext = doc.getText('text');
  }

  applyTxn(patches: readonly TracePatch[]): void {
    const t = this.ytext;
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
    this.doc.on('updateV2', grab);
    this.applyTxn(patches);
    this.doc.off('updateV2', grab);
    return update ?? new Uint8Array(0);
  }

  applyRemote(update: Uint8Array): void {
    Y.applyUpdateV2(this.doc, update);
  }

  text(): string {
    return this.ytext.toString();
  }

  encode(): Uint8Array {
    return Y.encodeStateAsUpdateV2(this.doc);
  }
}

const version = packageVersion('yjs');

/** The Yjs adapter. */
export const yjsAdapter: TextAdapter = {
  lib: 'yjs',
  version,
  create: () => new YjsReplica(new Y.Doc()),
  load(bytes) {
    const doc = new Y.Doc();
    Y.applyUpdateV2(doc, bytes);
    return new YjsReplica(doc);
  },
  init: () => null,
  peer(agent) {
    const doc = new Y.Doc();
    doc.clientID = agent + 1;
    return new YjsReplica(doc);
  },
  fork(bytes, agent) {
    const doc = new Y.Doc();
    doc.clientID = agent + 1;
    Y.applyUpdateV2(doc, bytes);
    return new YjsReplica(doc);
  },
};
