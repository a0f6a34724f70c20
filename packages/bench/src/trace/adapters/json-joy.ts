/**
 * json-joy adapter: a `str` (RGA) node at the root of a JSON CRDT model; each transaction is one
 * `api.transaction` cut into its own patch with `api.flush()`; `toBinary`/`fromBinary`.
 */
import { Model } from 'json-joy/lib/json-crdt/index.js';
import type { StrApi } from 'json-joy/lib/json-crdt/model/api/nodes.js';
import { packageVersion } from '../../util/package-version.js';
import type { TracePatch } from '../trace-file.js';
import type { TextAdapter, TextReplica } from './types.js';

class JsonJoyReplica implements TextReplica {
  private readonly model: Model;
  private readonly str: StrApi;

  constructor(model: Model) {
    this.model = model;
    this.str = model.api.str([]);
  }

  applyTxn(patches: readonly TracePatch[]): void {
    const { str } = this;
    this.model.api.transaction(() => {
      for (const [pos, del, ins] of patches) {
        if (del > 0) str.del(pos, del);
        if (ins !== '') str.ins(pos, ins);
      }
    });
    this.model.api.flush();
  }

  text(): string {
    return this.str.view();
  }

  encode(): Uint8Array {
    return this.model.toBinary();
  }
}

const version = packageVersion('json-joy');

/** The json-joy adapter. */
export const jsonJoyAdapter: TextAdapter = {
  lib: 'json-joy',
  version,
  create() {
    const model = Model.create();
    model.api.set('');
    model.api.flush();
    return new JsonJoyReplica(model);
  },
  load: (bytes) => new JsonJoyReplica(Model.fromBinary(bytes)),
};
