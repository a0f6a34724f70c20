/**
 * Sequence records (text and list runs) as columns: one typed array per numeric field and one
 * array of contents. The writer reads these instead of record objects, so a snapshot of a long
 * text builds no object per run (a record object with three 53-bit replica ids boxed cost about
 * 200 heap bytes per run, and young-generation collections in the middle of every large encode).
 */
import type { SeqRecord } from './records.js';

/** Columns of sequence records, appended in write order; see {@link SeqRecord} for the fields. */
export class SeqColumns {
  /** Number of records. */
  length = 0;
  client: Float64Array;
  clock: Float64Array;
  len: Float64Array;
  olClient: Float64Array;
  olClock: Float64Array;
  orClient: Float64Array;
  orClock: Float64Array;
  /**
   * Live text, live list values, or null for a deleted run; as long as the typed columns (slots
   * past `length` are null), so that appending never resizes it and clearing never shrinks it.
   */
  content: (string | unknown[] | null)[];
  /**
   * When set, the client columns (`client`, `olClient`, `orClient`) hold indices into this table
   * of replica ids (a document's local numbering, small integers that need no boxing while the
   * writer is not yet optimised) rather than the ids themselves. `NONE` stays `NONE`.
   */
  ids: readonly number[] | null = null;

  constructor(capacity = 16) {
    this.client = new Float64Array(capacity);
    this.clock = new Float64Array(capacity);
    this.len = new Float64Array(capacity);
    this.olClient = new Float64Array(capacity);
    this.olClock = new Float64Array(capacity);
    this.orClient = new Float64Array(capacity);
    this.orClock = new Float64Array(capacity);
    this.content = new Array<string | unknown[] | null>(capacity).fill(null);
  }

  /** Append a record (origins as real replica ids, `NONE` for none). */
  push(
    client: number,
    clock: number,
    len: number,
    olClient: number,
    olClock: number,
    orClient: number,
    orClock: number,
    content: string | unknown[] | null,
  ): void {
    const i = this.length;
    if (i === this.client.length) this.grow(2 * i + 16);
    this.client[i] = client;
    this.clock[i] = clock;
    this.len[i] = len;
    this.olClient[i] = olClient;
    this.olClock[i] = olClock;
    this.orClient[i] = orClient;
    this.orClock[i] = orClock;
    this.content[i] = content;
    this.length = i + 1;
  }

  /** Empty the columns, keeping their capacity. */
  clear(): void {
    // Drop the references (a reused instance must not keep a document's text alive).
    for (let i = 0; i < this.length; i++) this.content[i] = null;
    this.length = 0;
    this.ids = null;
  }

  /** Append every record of `records`. */
  pushRecords(records: readonly SeqRecord[]): void {
    for (const r of records) {
      this.push(r.client, r.clock, r.len, r.olClient, r.olClock, r.orClient, r.orClock, r.content);
    }
  }

  private grow(capacity: number): void {
    const grown = (a: Float64Array): Float64Array => {
      const b = new Float64Array(capacity);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.client = grown(this.client);
    this.clock = grown(this.clock);
    this.len = grown(this.len);
    this.olClient = grown(this.olClient);
    this.olClock = grown(this.olClock);
    this.orClient = grown(this.orClient);
    this.orClock = grown(this.orClock);
    const content = new Array<string | unknown[] | null>(capacity).fill(null);
    for (let i = 0; i < this.length; i++) content[i] = this.content[i] as string | unknown[] | null;
    this.content = content;
  }
}
