/**
 * What a node does with a peer link that failed authentication or broke the protocol: count it
 * in `/metrics` (`accord_peer_link_faults_total{reason,direction}`) and log it at warn with the
 * remote address. Logs are limited per reason (one line, then a count of the ones suppressed,
 * per interval), so a flood of bad connections cannot flood the log; the metric counts all.
 */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { PeerLinkFault } from './peer-links.js';

/** Options of {@link peerFaultReporter}. */
export interface PeerFaultReporterOptions {
  logger: Logger;
  registry: Registry;
  /** Clock for the log limit (ms). */
  now: () => number;
  /** At most one log line per reason per this many ms. Default 1000. */
  logEveryMs?: number;
}

/** Build the `onFault` handler of a node's peer links. */
export function peerFaultReporter(options: PeerFaultReporterOptions): (fault: PeerLinkFault) => void {
  const name = 'accord_peer_link_faults_total';
  const existing = options.registry.getSingleMetric(name);
  const counter =
    existing instanceof Counter
      ? (existing as Counter<'reason' | 'direction'>)
      : new Counter({
          name,
          help: 'Peer links closed for failed authentication or a protocol fault, by reason',
          labelNames: ['reason', 'direction'],
          registers: [options.registry],
        });
  const every = options.logEveryMs ?? 1000;
  const lastLog = new Map<string, { at: number; suppressed: number }>();
  return (fault) => {
    counter.inc({ reason: fault.reason, direction: fault.direction });
    const now = options.now();
    const key = `${fault.direction}:${fault.reason}`;
    const last = lastLog.get(key);
    if (last !== undefined && now - last.at < every) {
      last.suppressed++;
      return;
    }
    lastLog.set(key, { at: now, suppressed: 0 });
    const { error, ...fields } = fault;
    options.logger.warn(
      {
        peerLink: fields,
        ...(error !== undefined ? { err: error } : {}),
        ...(last !== undefined && last.suppressed > 0 ? { suppressedSinceLast: last.suppressed } : {}),
      },
      fault.reason === 'handler-error'
        ? 'peer link closed: a message handler threw'
        : `peer link refused or closed: ${fault.reason}`,
    );
  };
}
