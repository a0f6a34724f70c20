/**
 * Fuzz target: hostile bytes into Accord's `applyUpdate`. The documents are built from real
 * concurrent edits; the corpus is their real updates and snapshots. A refused frame must throw
 * `DecodeError` (nothing else) and leave the document byte-for-byte as it was; an accepted one
 * must leave a document that still encodes, reloads and reads back the same.
 */
import { DecodeError } from '@accord/core';
import type { AccordCoreApi, AccordDoc } from '../../accord/core-api.js';
import { syntheticTrace } from '../../trace/synthetic.js';
import { createRng } from '../../util/prng.js';
import type { FrameResult, FuzzTarget } from './types.js';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Attribute names the corpus formats with: growing and non-growing marks. */
const MARK_KEYS = ['bold', 'italic', 'link', 'comment:1'];

/** Frames after which the target document is reset to its starting state (keeps it small). */
const RESET_EVERY = 500;

/**
 * Builds the `applyUpdate` fuzz target on a loaded `@accord/core`; the corpus comes from
 * `edits` real edits spread over three replicas with partial syncs.
 */
export function applyUpdateTarget(core: AccordCoreApi, edits = 600): FuzzTarget {
  let start: Uint8Array = new Uint8Array();
  let doc: AccordDoc | null = null;
  let frames = 0;
  const setupCrashes: string[] = [];

  const fresh = (): AccordDoc => {
    const d = new core.Doc();
    if (start.length > 0) core.applyUpdate(d, start);
    return d;
  };

  return {
    name: 'applyUpdate',

    async setup(seed) {
      const rng = createRng(seed);
      const replicas = [0, 1, 2].map(() => new core.Doc({ clientId: 1 + rng.int(2 ** 31) }));
      const corpus: Uint8Array[] = [];
      for (const r of replicas) r.on('update', (u) => corpus.push(u));
      // Real edits: each replica replays a slice of a synthetic trace, with syncs in between,
      // so the updates reference each other's items (concurrent inserts, deletes of others' text).
      const trace = syntheticTrace(edits, seed);
      let step = 0;
      for (const txn of trace.txns) {
        const r = replicas[step % 3] as AccordDoc;
        const text = r.getText('text');
        try {
          r.transact(() => {
            for (const [pos, del, ins] of txn.patches) {
              const p = Math.min(pos, text.length);
              if (del > 0) text.delete(p, Math.min(del, text.length - p));
              if (ins !== '') text.insert(p, ins);
            }
            // Every seventh transaction also formats a range, so the corpus carries marks groups.
            if (step % 7 === 3 && text.length > 0) {
              const at = rng.int(text.length);
              const key = MARK_KEYS[rng.int(MARK_KEYS.length)] as string;
              text.format(at, 1 + rng.int(Math.min(20, text.length - at)), {
                [key]: rng.int(3) === 0 ? null : rng.int(5),
              });
            }
          });
        } catch (err) {
          // A local edit must never throw: count it and go on with the other replicas.
          setupCrashes.push(`setup: local edit ${step} on replica ${step % 3} threw ${describe(err)}`);
        }
        step++;
        if (step % 25 === 0) {
          const from = replicas[rng.int(3)] as AccordDoc;
          const to = replicas[rng.int(3)] as AccordDoc;
          core.applyUpdate(to, core.encodeStateAsUpdate(from, core.encodeStateVector(to)));
        }
      }
      for (const r of replicas) corpus.push(core.encodeStateAsUpdate(r));
      // The target starts from replica 0's state: updates of the others are new to it.
      start = core.encodeStateAsUpdate(replicas[0] as AccordDoc);
      doc = fresh();
      return corpus;
    },

    async feed(frame): Promise<FrameResult> {
      if (doc === null) throw new Error('setup first');
      if (++frames % RESET_EVERY === 0) doc = fresh();
      const before = core.encodeStateAsUpdate(doc);
      const beforeJson = JSON.stringify(doc.toJSON());
      try {
        core.applyUpdate(doc, frame);
      } catch (err) {
        if (!(err instanceof DecodeError)) return { outcome: 'crash', detail: describe(err) };
        const after = core.encodeStateAsUpdate(doc);
        if (!sameBytes(before, after) || JSON.stringify(doc.toJSON()) !== beforeJson) {
          return { outcome: 'corruption', detail: `document changed by a refused update (${err.code})` };
        }
        return { outcome: 'rejected' };
      }
      // Accepted (a valid update, possibly a mutated one that still decodes): the document must
      // stay consistent: it encodes, and the encoding loads into an equal document.
      try {
        const json = JSON.stringify(doc.toJSON());
        const copy = new core.Doc();
        core.applyUpdate(copy, core.encodeStateAsUpdate(doc));
        if (JSON.stringify(copy.toJSON()) !== json) {
          return { outcome: 'corruption', detail: 'reloaded document differs after an accepted update' };
        }
      } catch (err) {
        return {
          outcome: 'corruption',
          detail: `document unusable after an accepted update: ${describe(err)}`,
        };
      }
      return { outcome: 'accepted' };
    },

    async finish() {
      return { crashes: setupCrashes.length, corruptions: 0, details: setupCrashes.slice(0, 5) };
    },
  };
}
