/**
 * Where a node's snapshot numbers and versions are written (see `snapshot-replication.ts`): a
 * number with its version in one transaction through the node's committer, off the event loop;
 * one document's numbers one after another, in the order they were accepted.
 */
import type { ReplicaHost } from '../relay/replicator.js';
import { snapshotMetaKey } from '../snapshot/snapshot-number.js';
import type { VersionToKeep } from '../storage/sqlite-store.js';
import type { SnapshotAnnounceMessage } from './messages.js';

/** The version an announcement carries. */
function versionOf(m: SnapshotAnnounceMessage): VersionToKeep {
  return { term: m.number.term, seq: m.number.seq, at: m.at, stateVector: m.stateVector, data: m.snapshot };
}

/** Writes one node's snapshot numbers and versions. */
export class SnapshotWrites {
  /** Per document, the number being written (its write settled), so the next waits its turn. */
  private readonly storing = new Map<string, Promise<void>>();

  /**
   * `keepsData`: whether this node keeps snapshot bytes (a witness does not: it stores numbers
   * only). `keepVersions`: versions kept per document (0: all).
   */
  constructor(
    private readonly host: ReplicaHost,
    private readonly keepsData: boolean,
    private readonly keepVersions: number,
  ) {}

  /**
   * Store `m`'s number durably: with its version in one transaction through the node's committer
   * (off the event loop, fsynced whatever `--sync` says), or, for a node that keeps no snapshot
   * bytes or an announcement without them (a snapshot too large for one frame), on its own. One
   * document's numbers are written one after another, in the order they were accepted, whichever
   * way each goes: the stored number only ever grows, and so does the order of the log lines.
   */
  store(m: SnapshotAnnounceMessage): Promise<void> {
    const prev = this.storing.get(m.docId);
    const write = prev === undefined ? this.write(m) : prev.then(() => this.write(m));
    const settled = write.then(
      () => {},
      () => {},
    );
    this.storing.set(m.docId, settled);
    void settled.then(() => {
      if (this.storing.get(m.docId) === settled) this.storing.delete(m.docId);
    });
    return write;
  }

  private write(m: SnapshotAnnounceMessage): Promise<void> {
    const meta = { key: snapshotMetaKey(m.docId), value: JSON.stringify(m.number) };
    if (!this.keepsData || m.snapshot.length === 0) {
      try {
        this.host.store.setMeta(meta.key, meta.value);
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.host.keepVersion(m.docId, versionOf(m), this.keepVersions, meta);
  }

  /**
   * Keep an announced snapshot as a version of its document, through the node's committer (off
   * the event loop; best effort: the number, stored before, is what the protocol relies on). A
   * snapshot too large for one peer frame arrives as catch-up parts with an empty announcement:
   * its bytes are not kept here (the leader that numbered it keeps them).
   */
  keepVersion(m: SnapshotAnnounceMessage): void {
    if (m.snapshot.length === 0) return;
    this.host
      .keepVersion(m.docId, versionOf(m), this.keepVersions)
      .catch((e: unknown) => this.host.logger.warn({ err: e, docId: m.docId }, 'version not kept'));
  }
}
