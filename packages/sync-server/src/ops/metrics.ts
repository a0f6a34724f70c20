/**
 * The node's Prometheus metrics, in a registry of its own (several nodes may share a process in
 * tests). Served as text on `/metrics`.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { type Tally, type TallyHistogram, tallyCounter, tallyHistogram } from './tally.js';

/** Every metric the relay itself records. */
export interface RelayMetrics {
  readonly registry: Registry;
  readonly connections: Gauge;
  readonly rooms: Gauge;
  /** The election term (set when scraped; 1 for a single node). */
  readonly term: Gauge;
  /** The known leader's id, -1 while none (set when scraped). */
  readonly leader: Gauge;
  /** Peers with an authenticated link (set when scraped; 0 for a single node). */
  readonly peersUp: Gauge;
  /** Client updates waiting for their write quorum (set when scraped). */
  readonly pendingQuorumWrites: Gauge;
  /** Encoded presence bytes held, by origin `local` or `remote` (set when scraped). */
  readonly presenceBytes: Gauge<'origin'>;
  readonly updatesReceived: Tally;
  readonly updatesAcked: Tally;
  readonly updatesRejected: Counter<'reason'>;
  readonly updateBytes: Tally;
  readonly deliveries: Tally;
  /**
   * Updates the room's document already held in full, so not relayed to its sessions, by source:
   * `client` (a resend; still replicated and acknowledged) or `peer` (a forward, a fill, a read
   * or a snapshot from another node).
   */
  readonly duplicateUpdates: Counter<'source'>;
  readonly commitBatch: TallyHistogram;
  readonly commitSeconds: TallyHistogram;
  readonly ackSeconds: TallyHistogram;
  readonly errors: Counter<'code'>;
  readonly closes: Counter<'code'>;
  readonly compactions: Counter;
  readonly corruptUpdates: Counter;
  readonly refusedUpgrades: Counter<'reason'>;
  /** Sockets refused or closed by admission control, by `AdmissionRefusal`. */
  readonly admissionRefused: Counter<'reason'>;
  /** Sockets upgraded whose token is not yet checked (set when scraped). */
  readonly pendingConnections: Gauge;
  /** Connections closed for a rate budget, by scope (`connection`, `address`, `token`). */
  readonly rateLimited: Counter<'scope'>;
  /** Presence entries refused for their size, by source (`client`, `peer`) and reason (`entry-bytes`, `room-bytes`). */
  readonly presenceRefused: Counter<'source' | 'reason'>;
}

/** Create the registry and metrics; `defaults` adds process metrics (CPU, memory, event-loop lag). */
export function createMetrics(nodeId: number, defaults = true): RelayMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: String(nodeId) });
  if (defaults) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const registers = [registry];
  return {
    registry,
    connections: new Gauge({ name: 'accord_connections', help: 'Open client connections', registers }),
    rooms: new Gauge({ name: 'accord_rooms', help: 'Documents loaded in memory', registers }),
    term: new Gauge({ name: 'accord_cluster_term', help: 'The election term this node is in', registers }),
    leader: new Gauge({
      name: 'accord_cluster_leader',
      help: 'The leader this node knows (node id; -1 while none is known)',
      registers,
    }),
    peersUp: new Gauge({
      name: 'accord_cluster_peers_up',
      help: 'Peers with an authenticated link to this node',
      registers,
    }),
    pendingQuorumWrites: new Gauge({
      name: 'accord_pending_quorum_writes',
      help: 'Client updates waiting for W nodes to hold them',
      registers,
    }),
    presenceBytes: new Gauge({
      name: 'accord_presence_bytes',
      help: 'Encoded presence held, by origin (local sessions, other nodes)',
      labelNames: ['origin'],
      registers,
    }),
    updatesReceived: tallyCounter({
      name: 'accord_updates_received_total',
      help: 'Client updates accepted',
      registers,
    }),
    updatesAcked: tallyCounter({
      name: 'accord_updates_acked_total',
      help: 'Client updates acknowledged',
      registers,
    }),
    updatesRejected: new Counter({
      name: 'accord_updates_rejected_total',
      help: 'Client updates refused, by reason',
      labelNames: ['reason'],
      registers,
    }),
    updateBytes: tallyCounter({
      name: 'accord_update_bytes_total',
      help: 'Bytes of accepted updates',
      registers,
    }),
    deliveries: tallyCounter({
      name: 'accord_deliveries_total',
      help: 'Updates relayed to other sessions',
      registers,
    }),
    duplicateUpdates: new Counter({
      name: 'accord_duplicate_updates_total',
      help: 'Updates the document already held, not relayed to its sessions, by source (client, peer)',
      labelNames: ['source'],
      registers,
    }),
    commitBatch: tallyHistogram({
      name: 'accord_commit_batch_size',
      help: 'Updates per group-commit transaction',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
      registers,
    }),
    commitSeconds: tallyHistogram({
      name: 'accord_commit_seconds',
      help: 'Duration of a group-commit transaction',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
      registers,
    }),
    ackSeconds: tallyHistogram({
      name: 'accord_ack_seconds',
      help: 'From receiving a client update to acknowledging it',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    errors: new Counter({
      name: 'accord_protocol_errors_total',
      help: 'Error messages sent to clients, by code',
      labelNames: ['code'],
      registers,
    }),
    closes: new Counter({
      name: 'accord_closes_total',
      help: 'Connections closed by the node, by close code',
      labelNames: ['code'],
      registers,
    }),
    compactions: new Counter({ name: 'accord_compactions_total', help: 'Log compactions', registers }),
    corruptUpdates: new Counter({
      name: 'accord_corrupt_stored_updates_total',
      help: 'Stored updates that did not apply on load',
      registers,
    }),
    refusedUpgrades: new Counter({
      name: 'accord_refused_upgrades_total',
      help: 'WebSocket upgrades refused, by HTTP reason phrase',
      labelNames: ['reason'],
      registers,
    }),
    admissionRefused: new Counter({
      name: 'accord_admission_refused_total',
      help: 'Sockets refused at the upgrade or closed before joining by admission control, by reason',
      labelNames: ['reason'],
      registers,
    }),
    pendingConnections: new Gauge({
      name: 'accord_pending_connections',
      help: 'Upgraded sockets whose token is not yet checked',
      registers,
    }),
    rateLimited: new Counter({
      name: 'accord_rate_limited_total',
      help: 'Connections closed for exceeding a rate budget, by scope',
      labelNames: ['scope'],
      registers,
    }),
    presenceRefused: new Counter({
      name: 'accord_presence_refused_total',
      help: 'Presence entries refused for their size, by source and reason',
      labelNames: ['source', 'reason'],
      registers,
    }),
  };
}
