/**
 * Property: under any schedule of local edits, node kills and revivals, withheld acks, offline
 * switches and elapsed time, once the faults heal the provider ends synced with an empty outbox,
 * `whenAcknowledged()` resolves, and the node serving it holds every local edit: nothing lost.
 */

import { ManualScheduler } from '@accord/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SyncProvider } from '../src/sync-provider.js';
import { FakeDoc } from './support/fake-doc.js';
import { FakeRelay } from './support/fake-relay.js';
import { type FakeSocket, fakeWebSocketClass } from './support/fake-socket.js';

const URLS = ['ws://127.0.0.1:4001', 'ws://127.0.0.1:4002', 'ws://127.0.0.1:4003'];

type Action =
  | { kind: 'edit' }
  | { kind: 'kill'; node: number }
  | { kind: 'revive'; node: number }
  | { kind: 'hold'; node: number }
  | { kind: 'release'; node: number }
  | { kind: 'offline' }
  | { kind: 'online' }
  | { kind: 'wait'; ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Action>({ kind: 'edit' }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }).map<Action>((node) => ({ kind: 'kill', node })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }).map<Action>((node) => ({ kind: 'revive', node })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }).map<Action>((node) => ({ kind: 'hold', node })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }).map<Action>((node) => ({ kind: 'release', node })) },
  { weight: 1, arbitrary: fc.constant<Action>({ kind: 'offline' }) },
  { weight: 1, arbitrary: fc.constant<Action>({ kind: 'online' }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 3000 }).map<Action>((ms) => ({ kind: 'wait', ms })) },
);

function runSchedule(
  actions: Action[],
  seed: number,
  initiallyHeld: readonly boolean[] = [],
): { ok: boolean; detail: string } {
  const scheduler = new ManualScheduler();
  const { ctor, sockets } = fakeWebSocketClass();
  const doc = new FakeDoc();
  const relays = URLS.map((_, i) => new FakeRelay(i + 1));
  for (const [i, held] of initiallyHeld.entries()) if (relays[i]) relays[i].holdAcks = held;
  const dead = new Set<number>();
  const served = new Set<FakeSocket>();
  let r = seed >>> 0;
  const random = () => {
    r = (Math.imul(r, 1664525) + 1013904223) >>> 0;
    return r / 2 ** 32;
  };
  const provider = new SyncProvider(doc, URLS, {
    docId: 'prop',
    WebSocket: ctor,
    scheduler,
    random,
    backoff: { initialDelayMs: 50, maxDelayMs: 800, random },
    pingIntervalMs: 500,
    livenessTimeoutMs: 2000,
    ackTimeoutMs: 4000,
    connectTimeoutMs: 1500,
  });
  const nodeOf = (s: FakeSocket) => URLS.indexOf(s.url);
  const pump = () => {
    scheduler.runDeferred();
    for (const s of sockets) {
      if (served.has(s) || s.readyState === 3) continue;
      served.add(s);
      if (dead.has(nodeOf(s))) s.serverClose(1006, 'refused');
      else relays[nodeOf(s)]!.serve(s);
    }
    scheduler.runDeferred();
  };
  const wait = (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      scheduler.advance(10);
      pump();
    }
  };
  const liveSocketOf = (node: number) => sockets.find((s) => nodeOf(s) === node && s.readyState === 1);
  let nextOp = 1;
  pump();
  for (const a of actions) {
    switch (a.kind) {
      case 'edit':
        doc.edit(nextOp++);
        break;
      case 'kill':
        dead.add(a.node);
        relays[a.node]!.heldAcks.length = 0; // acks in flight die with the process
        for (const s of sockets) if (nodeOf(s) === a.node && s.readyState !== 3) s.serverClose(1006);
        break;
      case 'revive':
        dead.delete(a.node);
        break;
      case 'hold':
        relays[a.node]!.holdAcks = true;
        break;
      case 'release': {
        relays[a.node]!.holdAcks = false;
        const s = liveSocketOf(a.node);
        if (s) relays[a.node]!.releaseAcks(s);
        break;
      }
      case 'offline':
        provider.disconnect();
        break;
      case 'online':
        provider.connect();
        break;
      case 'wait':
        wait(a.ms);
        break;
    }
    pump();
  }
  // Heal: every node up, acks flowing, online.
  dead.clear();
  for (const relay of relays) relay.holdAcks = false;
  provider.connect();
  for (let round = 0; round < 3; round++) {
    wait(5000);
    for (const [i, relay] of relays.entries()) {
      const s = liveSocketOf(i);
      if (s) relay.releaseAcks(s);
    }
  }
  wait(1000);
  const serving = relays[URLS.indexOf(provider.url)]!;
  const missing = [...doc.ops].filter((op) => !serving.ops.has(op));
  const ok = provider.status === 'synced' && provider.pendingUpdates === 0 && missing.length === 0;
  const detail = `status=${provider.status} pending=${provider.pendingUpdates} missing=${missing.join(',')}`;
  provider.destroy();
  return { ok, detail };
}

describe('SyncProvider under random faults', () => {
  it('never loses a local edit and always drains its outbox once faults heal', () => {
    fc.assert(
      fc.property(
        fc.array(action, { maxLength: 40 }),
        fc.integer(),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        (actions, seed, held) => {
          const { ok, detail } = runSchedule(actions, seed, held);
          if (!ok) throw new Error(detail);
          return true;
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a fixed nasty schedule: kill the serving node with acks held, edit offline, revive', () => {
    const schedule: Action[] = [
      { kind: 'edit' },
      { kind: 'hold', node: 0 },
      { kind: 'hold', node: 1 },
      { kind: 'edit' },
      { kind: 'edit' },
      { kind: 'kill', node: 0 },
      { kind: 'kill', node: 1 },
      { kind: 'kill', node: 2 },
      { kind: 'edit' },
      { kind: 'wait', ms: 3000 },
      { kind: 'offline' },
      { kind: 'edit' },
      { kind: 'revive', node: 1 },
      { kind: 'online' },
      { kind: 'wait', ms: 3000 },
      { kind: 'edit' },
    ];
    expect(runSchedule(schedule, 7)).toMatchObject({ ok: true });
  });
});
