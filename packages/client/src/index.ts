/**
 * @accord/client: the provider an application uses to sync an Accord document with a relay
 * cluster over WebSockets: failover across nodes, reconnect with backoff and jitter, an outbox of
 * unacknowledged local updates, presence, and cluster status. Runs in browsers (native WebSocket)
 * and in Node (pass `ws`).
 * @packageDocumentation
 */

export { Backoff, type BackoffOptions, backoffWindow, DEFAULT_BACKOFF, fullJitterDelay } from './backoff.js';
export { Emitter, type EventMap } from './emitter.js';
export { Outbox, type OutboxEntry, type OutboxOptions } from './outbox.js';
export { type Scheduler, systemScheduler, type TimerHandle, TimerSlot } from './scheduler.js';
export { UrlPool } from './url-pool.js';
