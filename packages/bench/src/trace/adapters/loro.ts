/** Loro adapter: a `LoroText`, one `commit()` per transaction, snapshot export/import. */
import { LoroDoc, type LoroText } from 'loro-crdt';
import { packageVersion } from '../../util/package-version.js';
import type { TracePatch } from '../trace-file.js';
import type { PeerReplica, TextAdapter } from './types.js';

class LoroReplica implements PeerReplica {
  private readonly doc: LoroDoc;
  private readonly ltext: LoroText;

  constructor(doc: LoroDoc) {
    this.doc = doc;
    this.ltext = doc.getText('text');
  }

  applyTxn(patches: readonly TracePatch[]): void {
    const t = this.ltext;
    for (let k = 0; k < patches.length; k++) {
      const p = patches[k] as TracePatch;
      const pos = p[0];
      const del = p[1];
      const ins = p[2];
      if (del > 0) t.delete(pos, del);
      if (ins !== '') t.insert(pos, ins);
    }
    this.doc.commit();
  }

  applyLocal(patches: readonly TracePatch[]): Uint8Array {
    const parts: Uint8Array[] = [];
    const stop = this.doc.subscribeLocalUpdates((u) => parts.push(u));
    this.applyTxn(patches);
    stop();
    if (parts.length === 1) return parts[0]!;
    return parts.length === 0 ? new Uint8Array(0) : this.doc.export({ mode: 'update' });
  }

  applyRemote(update: Uint8Array): void {
    if (update.length > 0) this.doc.import(update);
  }

  text(): string {
    return this.ltext.toString();
  }

  encode(): Uint8Array {
    return this.doc.export({ mode: 'snapshot' });
  }
}

const version = packageVersion('loro-crdt');

/** The Loro adapter (the doc's lazy loading pays its deferred cost in `loadMs`). */
export const loroAdapter: TextAdapter = {
  lib: 'loro',
  version,
  create: () => new LoroReplica(new LoroDoc()),
  load: (bytes) => new LoroReplica(LoroDoc.fromSnapshot(bytes)),
  init: () => null,
  peer(agent) {
    const doc = new LoroDoc();
    doc.setPeerId(BigInt(agent + 1));
    return new LoroReplica(doc);
  },
  fork(bytes, agent) {
    const doc = new LoroDoc();
    doc.setPeerId(BigInt(agent + 1));
    doc.import(bytes);
    return new LoroReplica(doc);
  },
};
