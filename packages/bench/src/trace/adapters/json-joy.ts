/**
 * json-joy adapter: a `str` (RGA) node at the root of a JSON CRDT model; each transaction is one
 * `api.transaction` cut into its own patch with `api.flush()`; `toBinary`/`fromBinary`.
 */
import { Model } from 'json-joy/lib/json-crdt/index.js';
import type { StrApi } from 'json-joy/lib/json-crdt/model/api/nodes.js';
import { Patch } from 'json-joy/lib/json-crdt-patch/index.js';
import { packageVersion } from '../../util/package-version.js';
import type { TracePatch } from '../trace-file.js';
import type { PeerReplica, TextAdapter } from './types.js';

class JsonJoyReplica implements PeerReplica {
  private readonly model: Model;
  private strApi: StrApi | null = null;

  constructor(model: Model) {
    this.model = model;
  }

  /** The root text (resolved on first use: a peer gets its root from the init patch). */
  private get str(): StrApi {
    this.strApi ??= this.model.api.str([]);
    return this.strApi;
  }

  applyTxn(patches: readonly TracePatch[]): void {
    const { str } = this;
    this.model.api.transaction(() => {
      for (let k = 0; k < patches.length; k++) {
        const p = patches[k] as TracePatch;
        const pos = p[0];
        const del = p[1];
        const ins = p[2];
        if (del > 0) str.del(pos, del);
        if (ins !== '') str.ins(pos, ins);
      }
    });
    this.model.api.flush();
  }

  applyLocal(patches: readonly TracePatch[]): Uint8Array {
    const { str } = this;
    this.model.api.transaction(() => {
      for (let k = 0; k < patches.length; k++) {
        const p = patches[k] as TracePatch;
        const pos = p[0];
        const del = p[1];
        const ins = p[2];
        if (del > 0) str.del(pos, del);
        if (ins !== '') str.ins(pos, ins);
      }
    });
    return this.model.api.flush().toBinary();
  }

  applyRemote(update: Uint8Array): void {
    this.model.applyPatch(Patch.fromBinary(update));
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
  init() {
    const setup = Model.create(undefined, 0x20000);
    setup.api.set('');
    return setup.api.flush().toBinary();
  },
  peer: (agent) => new JsonJoyReplica(Model.create(undefined, 0x10000 + agent)),
};
