/** Automerge adapter: a string field spliced inside one `change` per transaction; `save`/`load`. */
import * as A from '@automerge/automerge';
import { packageVersion } from '../../util/package-version.js';
import type { TracePatch } from '../trace-file.js';
import type { TextAdapter, TextReplica } from './types.js';

interface TextDoc {
  text: string;
}

class AutomergeReplica implements TextReplica {
  private doc: A.Doc<TextDoc>;

  constructor(doc: A.Doc<TextDoc>) {
    this.doc = doc;
  }

  applyTxn(patches: readonly TracePatch[]): void {
    this.doc = A.change(this.doc, (d) => {
      for (const [pos, del, ins] of patches) A.splice(d, ['text'], pos, del, ins);
    });
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
};
