/**
 * The common shape every text CRDT takes in the trace bench, so the harness measures each
 * library the same way.
 */
import type { TracePatch } from '../trace-file.js';

/** The libraries the trace bench knows. */
export const traceLibs = ['accord', 'yjs', 'automerge', 'json-joy', 'loro'] as const;

/** One of {@link traceLibs}. */
export type TraceLib = (typeof traceLibs)[number];

/** The competitors (everything but Accord), the default of `--vs`. */
export const competitorLibs: readonly TraceLib[] = ['yjs', 'automerge', 'json-joy', 'loro'];

/** One document holding one text, as a library under test sees it. */
export interface TextReplica {
  /**
   * Applies the patches of one trace transaction as ONE library transaction (as a user types).
   * Every adapter reads a patch's fields by index in a counted loop: a `for…of` or a destructuring
   * pattern runs the iterator protocol until the replay's code is optimized, which a short trace
   * would time as the library's.
   */
  applyTxn(patches: readonly TracePatch[]): void;
  /** The whole text. */
  text(): string;
  /** The full document in the library's most compact standard encoding. */
  encode(): Uint8Array;
}

/** One author's replica in a concurrent trace: local transactions yield updates; peers' apply. */
export interface PeerReplica extends TextReplica {
  /** Applies one transaction, as {@link TextReplica.applyTxn}, and returns its update for peers. */
  applyLocal(patches: readonly TracePatch[]): Uint8Array;
  /** Applies an update made by {@link applyLocal} on another replica (or the adapter's `init`). */
  applyRemote(update: Uint8Array): void;
}

/** A library under test: makes empty documents and loads encoded ones. */
export interface TextAdapter {
  readonly lib: TraceLib;
  /** Library version, for reports. */
  readonly version: string;
  /** A fresh document with an empty text. */
  create(): TextReplica;
  /** A fresh document loaded from {@link TextReplica.encode} output. */
  load(bytes: Uint8Array): TextReplica;
  /**
   * The update that creates the empty text every author starts from, made once by a setup
   * replica; `null` when the library's text needs no creation (a named root). Every peer
   * applies it first, outside the measured time.
   */
  init(): Uint8Array | null;
  /** An empty replica for author `agent` (0-based), with its own replica id. */
  peer(agent: number): PeerReplica;
  /**
   * A replica for author `agent` (its own replica id) loaded from {@link TextReplica.encode}
   * output, whose local updates {@link PeerReplica.applyRemote} of a replayed replica accepts;
   * absent when the library's full encoding cannot seed a peer that way (no remote-keystroke
   * figure then).
   */
  fork?(bytes: Uint8Array, agent: number): PeerReplica;
}

/** True when `r` can exchange updates with peers (every adapter's replicas but a few). */
export function isPeerReplica(r: TextReplica): r is PeerReplica {
  return 'applyRemote' in r && 'applyLocal' in r;
}
