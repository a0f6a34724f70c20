/**
 * The client table of an update being written: replica ids numbered in the order they are first
 * met. An update names a handful of replicas, so they are found by a scan of the list, and a map
 * is made only past {@link SCAN_MAX} of them; the writer reuses one table from update to update.
 */

/** Replicas found by scanning the list; beyond this many a map indexes them. */
const SCAN_MAX = 16;

/** Replica ids numbered in the order first met (see the module comment). */
export class ClientNumbering {
  /**
   * The ids, by index: the first {@link size} entries (the array keeps its length when the table
   * is reset, so reuse allocates nothing).
   */
  private readonly clients: number[] = [];
  /** Number of ids. */
  size = 0;
  /** Index by id, once there are more than {@link SCAN_MAX} ids. */
  private byId: Map<number, number> | null = null;

  /** The index written for replica `id`, numbering it when new (a function, for the writers). */
  readonly ci = (id: number): number => {
    const clients = this.clients;
    const byId = this.byId;
    const n = this.size;
    if (byId !== null) {
      const i = byId.get(id);
      if (i !== undefined) return i;
    } else {
      for (let i = 0; i < n; i++) if (clients[i] === id) return i;
    }
    if (n < clients.length) clients[n] = id;
    else clients.push(id);
    this.size = n + 1;
    if (byId !== null) byId.set(id, n);
    else if (n + 1 > SCAN_MAX) {
      const map = new Map<number, number>();
      for (let k = 0; k <= n; k++) map.set(clients[k] as number, k);
      this.byId = map;
    }
    return n;
  };

  /** The id numbered `i` (0 <= i < {@link size}). */
  idAt(i: number): number {
    return this.clients[i] as number;
  }

  /** Forget every id (the table is reused for the next update). */
  reset(): void {
    this.size = 0;
    this.byId = null;
  }
}
