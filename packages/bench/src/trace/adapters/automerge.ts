/** Automerge adapter: a string field spliced inside one `change` per transaction; `save`/`load`. */
import * as A from '@automerge/automerge';
import { packageVersion } from '../../util/package-version.js';
import type { TracePatch } from '../trace-file.js';
import type { PeerReplica, TextAdapter } from './types.js';

interface TextDoc {
  text: string;
}

class AutomergeReplica implements PeerReplica {
  private doc: A.Doc<TextDoc>;

  constructor(doc: A.Doc<TextDoc>) {
    this.doc = doc;
  }

  applyTxn(patches: readonly TracePatch[]): void {
    this.doc = A.change(this.doc, (d) => {
      for (let k = 0; k < patches.length; k++) {
        const p = patches[k] as TracePatch;
        const pos = p[0];
        const del = p[1];
        const ins = p[2];
        A.splice(d, ['text'], pos, del, ins);
      }
    });
  }

  applyLocal(patches: readonly TracePatch[]): Uint8Array {
    this.applyTxn(patches);
    return A.getLastLocalChange(this.doc) ?? new Uint8Array(0);
  }

  applyRemote(update: Uint8Array): void {
    [this.doc] = A.applyChanges(this.doc, [update]);
  }

  text(): string {
    return this.doc.text;
  }

  encode(): Uint8Array {
    return A.save(this.doc);
  }
}

const version = packageVersion('@automerge/automerge');

/** The Automerge adapter. */
export const automergeAdapter: TextAdapter = {
  lib: 'automerge',
  version,
  create: () =>
    new AutomergeReplica(
      A.change(A.init<TextDoc>(), (d) => {
        d.text = '';
      }),
    ),
  load: (bytes) => new AutomergeReplica(A.load<TextDoc>(bytes)),
  init() {
    const setup = A.change(A.init<TextDoc>({ actor: 'ff'.repeat(16) }), (d) => {
      d.text = '';
    });
    return A.getLastLocalChange(setup) ?? null;
  },
  peer: (agent) =>
    new AutomergeReplica(A.init<TextDoc>({ actor: (agent + 1).toString(16).padStart(32, '0') })),
};
