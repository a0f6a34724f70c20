import { DecodeError, Encoder } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import {
  CLUSTER_PROTOCOL_VERSION,
  DEFAULT_CLUSTER_LIMITS,
  decodeClusterMessage,
  encodeClusterMessage,
} from '../../src/cluster/peer-codec.js';
import type { ElectionMessage } from '../../src/election/types.js';
import { MAX_TERM } from '../../src/election/types.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DecodeError) return e.code;
    throw e;
  }
  return 'ok';
}

function frame(tag: number, write: (e: Encoder) => void): Uint8Array {
  const e = new Encoder();
  e.writeU8(CLUSTER_PROTOCOL_VERSION);
  e.writeU8(tag);
  write(e);
  return e.toBytes();
}

const HUGE = Number.MAX_SAFE_INTEGER;

describe('peer codec: messages of the candidates, ring and invitation elections', () => {
  it('round-trips every new message type', () => {
    const messages: ElectionMessage[] = [
      { type: 'election-request', term: 4 },
      { type: 'ring-election', term: 2, initiator: 3, ranks: [3, 4, 1] },
      { type: 'ring-leader', term: 2, initiator: 3, leader: 4 },
      { type: 'ring-ack', term: MAX_TERM },
      { type: 'invite', term: 0, size: 2 },
      { type: 'invite-accept', term: 1, members: [2, 5] },
      { type: 'invite-merge', term: 1, coordinator: 5 },
      { type: 'group-beat', term: 7, members: [] },
    ];
    for (const m of messages) expect(decodeClusterMessage(encodeClusterMessage(m))).toEqual(m);
  });

  it('refuses terms above MAX_TERM in every new message', () => {
    for (const tag of [9, 10, 11, 12, 13, 14, 15, 20]) {
      expect(
        code(() => decodeClusterMessage(frame(tag, (e) => e.writeVarUint(HUGE)))),
        `tag ${tag}`,
      ).toBe('invalid');
    }
  });

  it('refuses zero node ids, zero or oversized group sizes and oversized id lists', () => {
    const max = DEFAULT_CLUSTER_LIMITS.maxMembers;
    const ring = (initiator: number, ranks: number[], count = ranks.length) =>
      frame(10, (e) => {
        e.writeVarUint(1);
        e.writeVarUint(initiator);
        e.writeVarUint(count);
        for (const r of ranks) e.writeVarUint(r);
      });
    expect(code(() => decodeClusterMessage(ring(0, [1])))).toBe('invalid');
    expect(code(() => decodeClusterMessage(ring(1, [2, 0])))).toBe('invalid');
    expect(code(() => decodeClusterMessage(ring(1, [], max + 1)))).not.toBe('ok');
    expect(code(() => decodeClusterMessage(ring(1, [1], 2 ** 40)))).not.toBe('ok');
    const leader = (initiator: number, l: number) =>
      frame(11, (e) => {
        e.writeVarUint(1);
        e.writeVarUint(initiator);
        e.writeVarUint(l);
      });
    expect(code(() => decodeClusterMessage(leader(1, 0)))).toBe('invalid');
    expect(code(() => decodeClusterMessage(leader(0, 1)))).toBe('invalid');
    const invite = (size: number) =>
      frame(13, (e) => {
        e.writeVarUint(1);
        e.writeVarUint(size);
      });
    expect(code(() => decodeClusterMessage(invite(0)))).toBe('invalid');
    expect(code(() => decodeClusterMessage(invite(max + 1)))).toBe('invalid');
    expect(code(() => decodeClusterMessage(invite(max)))).toBe('ok');
    const merge = frame(15, (e) => {
      e.writeVarUint(1);
      e.writeVarUint(0);
    });
    expect(code(() => decodeClusterMessage(merge))).toBe('invalid');
    const accept = frame(14, (e) => {
      e.writeVarUint(1);
      e.writeVarUint(1);
      e.writeVarUint(0);
    });
    expect(code(() => decodeClusterMessage(accept))).toBe('invalid');
    // truncated and trailing bytes
    expect(code(() => decodeClusterMessage(frame(11, (e) => e.writeVarUint(1))))).toBe('truncated');
    const trailing = frame(12, (e) => {
      e.writeVarUint(1);
      e.writeU8(0);
    });
    expect(code(() => decodeClusterMessage(trailing))).toBe('trailing-bytes');
  });
});
