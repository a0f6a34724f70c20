/**
 * What an operator reads when the cluster's links change: a peer link going down or coming back,
 * and the write quorum becoming unreachable or reachable again, logged at warn with the figures
 * that say how much is at stake (documents open on this node, quorum writes waiting, peers up).
 *
 * A peer counts as up from its first link event saying so (our link to it connected, or its link
 * to us authenticated) until its link to us is lost, the same signals the election hears; only
 * changes are logged, so a peer whose two links come up one after the other logs once. Link
 * changes are paced by the dialer's backoff, so every one is logged.
 */
import type { Logger } from 'pino';

/** What {@link LinkLog} reads when it logs. */
export interface LinkLogSource {
  /** Documents with a room open on this node (clients editing them here). */
  openDocuments(): number;
  /** Quorum writes waiting for acknowledgements. */
  pendingWrites(): number;
}

/** Logs peer-link changes and write-quorum loss of one node (see the module comment). */
export class LinkLog {
  private readonly up = new Set<number>();
  /** Whether the write quorum was reachable at the last change; `null` until it first is. */
  private quorumReachable: boolean | null;

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    /** Nodes that must hold a write, this one included. */
    private readonly writeQuorum: number,
    private readonly source: LinkLogSource,
  ) {
    this.quorumReachable = writeQuorum <= 1 ? true : null;
  }

  /** Peers up now, by this log's count. */
  get peersUp(): number {
    return this.up.size;
  }

  /** A link event of `peer`: logs when it changes whether the peer is up, then any quorum change. */
  changed(peer: number, change: 'up' | 'down'): void {
    if (change === 'up' ? this.up.has(peer) : !this.up.has(peer)) return;
    if (change === 'up') this.up.add(peer);
    else this.up.delete(peer);
    const fields = {
      peer,
      peersUp: this.up.size,
      openDocuments: this.source.openDocuments(),
      pendingWrites: this.source.pendingWrites(),
    };
    this.logger.warn({ peerLink: fields }, change === 'up' ? 'peer link up' : 'peer link down');
    const reachable = this.up.size + 1 >= this.writeQuorum;
    const before = this.quorumReachable;
    if (before === reachable || (before === null && !reachable)) return;
    this.quorumReachable = reachable;
    const quorum = { ...fields, writeQuorum: this.writeQuorum };
    if (before === null) this.logger.info({ quorum }, 'write quorum reached');
    else if (reachable) this.logger.warn({ quorum }, 'write quorum regained: writes are acknowledged again');
    else this.logger.warn({ quorum }, 'write quorum lost: writes wait until enough peers are back');
  }
}
