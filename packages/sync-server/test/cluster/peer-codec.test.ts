import { DecodeError, Encoder } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import { MAX_ACKS_PER_MESSAGE } from '../../src/cluster/messages.js';
import {
  CLUSTER_PROTOCOL_VERSION,
  DEFAULT_CLUSTER_LIMITS,
  decodeClusterMessage,
  encodeClusterFrame,
  encodeClusterMessage,
  MAX_SNAPSHOT_SEQ,
} from '../../src/cluster/peer-codec.js';
import { MAX_TERM } from '../../src/election/types.js';
import { MAX_REGISTER_KEYS, MAX_REMEMBERED_OPS } from '../../src/register/register-state.js';

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

describe('peer message codec', () => {
  it('encodes a heartbeat compactly', () => {
    const bytes = encodeClusterMessage({ type: 'heartbeat', term: 3, successors: [2, 1] });
    // the last byte is the lease round, 0 for none
    expect([...bytes]).toEqual([CLUSTER_PROTOCOL_VERSION, 1, 3, 2, 2, 1, 0]);
    const leased = encodeClusterMessage({ type: 'heartbeat', term: 3, successors: [2, 1], lease: 7 });
    expect([...leased]).toEqual([CLUSTER_PROTOCOL_VERSION, 1, 3, 2, 2, 1, 7]);
    expect(decodeClusterMessage(leased)).toEqual({
      type: 'heartbeat',
      term: 3,
      successors: [2, 1],
      lease: 7,
    });
    const ack = encodeClusterMessage({ type: 'heartbeat-ack', term: 3, lease: 7 });
    expect(decodeClusterMessage(ack)).toEqual({ type: 'heartbeat-ack', term: 3, lease: 7 });
    expect(() => encodeClusterMessage({ type: 'heartbeat-ack', term: 3, lease: 0 })).toThrow(RangeError);
  });

  it('rejects unknown versions, tags, empty input and trailing bytes', () => {
    const v = CLUSTER_PROTOCOL_VERSION;
    expect(code(() => decodeClusterMessage(new Uint8Array([v + 1, 1, 0, 0])))).toBe('bad-version');
    expect(code(() => decodeClusterMessage(new Uint8Array([1, 1, 0, 0])))).toBe('bad-version');
    expect(code(() => decodeClusterMessage(new Uint8Array([v, 99])))).toBe('bad-tag');
    expect(code(() => decodeClusterMessage(new Uint8Array([])))).toBe('truncated');
    expect(code(() => decodeClusterMessage(new Uint8Array([v, 2, 5, 0, 0])))).toBe('trailing-bytes');
  });

  it('refuses terms above MAX_TERM and snapshot numbers past the safe range, in every message', () => {
    const huge = Number.MAX_SAFE_INTEGER; // 2^53 - 1: its successor is not exact
    for (const tag of [1, 2, 3, 5, 6, 7]) {
      expect(code(() => decodeClusterMessage(frame(tag, (e) => e.writeVarUint(huge))))).toBe('invalid');
      expect(code(() => decodeClusterMessage(frame(tag, (e) => e.writeVarUint(MAX_TERM))))).not.toBe(
        'invalid',
      );
    }
    const heartbeat = frame(1, (e) => {
      e.writeVarUint(huge);
      e.writeVarUint(0);
    });
    expect(code(() => decodeClusterMessage(heartbeat))).toBe('invalid');
    const announce = (term: number, seq: number) =>
      frame(26, (e) => {
        e.writeString('d');
        e.writeVarUint(term);
        e.writeVarUint(seq);
        e.writeVarUint(1_796_227_200_000); // at
        e.writeBytes(new Uint8Array(0));
        e.writeBytes(new Uint8Array(0));
      });
    expect(code(() => decodeClusterMessage(announce(huge, 1)))).toBe('invalid');
    expect(code(() => decodeClusterMessage(announce(1, huge)))).toBe('invalid');
    expect(code(() => decodeClusterMessage(announce(MAX_TERM, MAX_SNAPSHOT_SEQ)))).toBe('ok');
    const reply = frame(27, (e) => {
      e.writeString('d');
      e.writeVarUint(1);
      e.writeVarUint(1);
      e.writeU8(1);
      e.writeVarUint(huge);
    });
    expect(code(() => decodeClusterMessage(reply))).toBe('invalid');
    // Encoding a term the decoder would refuse is a caller bug, not a wire message.
    expect(() => encodeClusterMessage({ type: 'heartbeat', term: 2 ** 53, successors: [] })).toThrow(
      RangeError,
    );
  });

  it('rejects oversized document ids, payloads and successor lists before allocating', () => {
    const longId = frame(17, (e) => {
      e.writeString('x'.repeat(DEFAULT_CLUSTER_LIMITS.maxDocIdBytes + 1));
      e.writeVarUint(1);
    });
    expect(code(() => decodeClusterMessage(longId))).toBe('too-large');
    const hugePayload = frame(16, (e) => {
      e.writeString('d');
      e.writeVarUint(1);
      e.writeVarUint(2 ** 40); // claims a terabyte, carries nothing
    });
    expect(code(() => decodeClusterMessage(hugePayload))).toBe('too-large');
    const small = { maxDocIdBytes: 8, maxPayloadBytes: 4, maxMembers: 2 };
    const payload5 = encodeClusterMessage({
      type: 'replicate',
      docId: 'd',
      updateId: 1,
      update: new Uint8Array(5),
    });
    expect(code(() => decodeClusterMessage(payload5, small))).toBe('too-large');
    const three = encodeClusterMessage({ type: 'heartbeat', term: 1, successors: [1, 2, 3] });
    expect(code(() => decodeClusterMessage(three, small))).toBe('too-large');
    const lying = frame(1, (e) => {
      e.writeVarUint(1);
      e.writeVarUint(50); // 50 successors announced, none present
    });
    expect(code(() => decodeClusterMessage(lying))).toBe('truncated');
  });

  it('rejects bad UTF-8, empty ids, non-boolean flags, zero node ids and zero snapshot numbers', () => {
    const badUtf8 = frame(17, (e) => {
      e.writeBytes(new Uint8Array([0xff, 0xfe]));
      e.writeVarUint(1);
    });
    expect(code(() => decodeClusterMessage(badUtf8))).toBe('bad-utf8');
    const empty = frame(17, (e) => {
      e.writeString('');
      e.writeVarUint(1);
    });
    expect(code(() => decodeClusterMessage(empty))).toBe('invalid');
    expect(code(() => decodeClusterMessage(new Uint8Array([CLUSTER_PROTOCOL_VERSION, 4, 1, 2])))).toBe(
      'invalid',
    );
    expect(code(() => decodeClusterMessage(new Uint8Array([CLUSTER_PROTOCOL_VERSION, 1, 1, 1, 0])))).toBe(
      'invalid',
    );
    const zeroSeq = frame(27, (e) => {
      e.writeString('d');
      e.writeVarUint(1);
      e.writeVarUint(0);
      e.writeU8(1);
      e.writeVarUint(1);
    });
    expect(code(() => decodeClusterMessage(zeroSeq))).toBe('invalid');
  });

  it('rejects varints beyond 2^53 and non-Uint8Array input', () => {
    const overflow = new Uint8Array([
      CLUSTER_PROTOCOL_VERSION,
      2,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0x7f,
    ]);
    expect(code(() => decodeClusterMessage(overflow))).toBe('overflow');
    expect(code(() => decodeClusterMessage('nope' as unknown as Uint8Array))).toBe('invalid');
  });

  it('decoded payloads are copies, independent of the input buffer', () => {
    const bytes = encodeClusterMessage({
      type: 'replicate',
      docId: 'd',
      updateId: 7,
      update: new Uint8Array([1, 2]),
    });
    const m = decodeClusterMessage(bytes);
    bytes.fill(0);
    expect(m).toEqual({ type: 'replicate', docId: 'd', updateId: 7, update: new Uint8Array([1, 2]) });
  });

  it('carries a causal stamp on a forwarded write and rejects hostile stamps and fills', () => {
    const stamp = { epoch: 7, seq: 3, deps: [{ node: 2, epoch: 9, seq: 0 }], pull: true };
    const m = {
      type: 'replicate' as const,
      docId: 'd',
      updateId: 4,
      update: new Uint8Array([1]),
      causal: stamp,
    };
    expect(decodeClusterMessage(encodeClusterMessage(m))).toEqual(m);
    const replicate = (write: (e: Encoder) => void) =>
      frame(16, (e) => {
        e.writeString('d');
        e.writeVarUint(4);
        e.writeBytes(new Uint8Array([1]));
        write(e);
      });
    const marks =
      (n: number, node = 2, epoch = 1) =>
      (e: Encoder) => {
        e.writeVarUint(n);
        for (let i = 0; i < n; i++) {
          e.writeVarUint(node);
          e.writeVarUint(epoch);
          e.writeVarUint(1);
        }
      };
    const stamped = (flag: number, epoch: number, seq: number, deps: (e: Encoder) => void) =>
      replicate((e) => {
        e.writeU8(flag);
        e.writeVarUint(epoch);
        e.writeVarUint(seq);
        deps(e);
      });
    expect(code(() => decodeClusterMessage(stamped(1, 1, 1, marks(0))))).toBe('ok');
    expect(code(() => decodeClusterMessage(stamped(3, 1, 1, marks(0))))).toBe('invalid'); // flag
    expect(code(() => decodeClusterMessage(stamped(1, 0, 1, marks(0))))).toBe('invalid'); // epoch 0
    expect(code(() => decodeClusterMessage(stamped(1, 2 ** 32, 1, marks(0))))).toBe('invalid');
    expect(code(() => decodeClusterMessage(stamped(1, 1, 0, marks(0))))).toBe('invalid'); // seq 0
    expect(code(() => decodeClusterMessage(stamped(1, 1, 1, marks(1, 0))))).toBe('invalid'); // node 0
    expect(code(() => decodeClusterMessage(stamped(1, 1, 1, marks(1, 2, 0))))).toBe('invalid');
    expect(code(() => decodeClusterMessage(stamped(1, 1, 1, marks(65))))).toBe('too-large'); // > maxMembers
    expect(code(() => decodeClusterMessage(replicate(() => {})))).toBe('truncated'); // no flag byte
    const fill = (list: (e: Encoder) => void) =>
      frame(35, (e) => {
        e.writeString('d');
        e.writeBytes(new Uint8Array(0));
        marks(1)(e);
        list(e);
      });
    expect(code(() => decodeClusterMessage(fill((e) => e.writeVarUint(0))))).toBe('ok');
    expect(
      code(() =>
        decodeClusterMessage(
          fill((e) => {
            e.writeVarUint(1);
            e.writeVarUint(0);
          }),
        ),
      ),
    ).toBe('invalid');
    expect(code(() => decodeClusterMessage(fill((e) => e.writeVarUint(1000))))).toBe('too-large');
  });

  it('carries a witness offer, one stamped entry per update, and rejects hostile offers', () => {
    const stamp = { epoch: 7, seq: 3, deps: [{ node: 2, epoch: 9, seq: 1 }], pull: false };
    const m = {
      type: 'witness-offer' as const,
      docId: 'd',
      probeId: 5,
      reqId: 0,
      entries: [
        { origin: 1, stamp, update: new Uint8Array([1, 2]) },
        { origin: 2, stamp: { ...stamp, pull: true }, update: new Uint8Array([3]) },
      ],
    };
    expect(decodeClusterMessage(encodeClusterMessage(m))).toEqual(m);
    const offer = (n: number, entry: (e: Encoder, i: number) => void) =>
      frame(36, (e) => {
        e.writeString('d');
        e.writeVarUint(0);
        e.writeVarUint(9);
        e.writeVarUint(n);
        for (let i = 0; i < n; i++) entry(e, i);
      });
    const good =
      (origin: number, len: number, flag = 1) =>
      (e: Encoder) => {
        e.writeVarUint(origin);
        e.writeU8(flag);
        e.writeVarUint(1);
        e.writeVarUint(1);
        e.writeVarUint(0);
        e.writeVarUint(len);
        e.writeRaw(new Uint8Array(Math.min(len, 16)));
      };
    expect(code(() => decodeClusterMessage(offer(1, good(1, 16))))).toBe('ok');
    expect(code(() => decodeClusterMessage(offer(1, good(0, 16))))).toBe('invalid'); // origin 0
    expect(code(() => decodeClusterMessage(offer(1, good(1, 16, 0))))).toBe('invalid'); // no stamp
    expect(code(() => decodeClusterMessage(offer(1025, good(1, 0))))).toBe('too-large'); // > 1024 entries
    // A second entry whose length takes the total over the payload bound: refused before reading it.
    const big = offer(2, (e, i) => good(1, i === 0 ? 16 : 16 * 1024 * 1024 - 8)(e));
    expect(code(() => decodeClusterMessage(big))).toBe('too-large');
    expect(code(() => decodeClusterMessage(offer(3, good(1, 16)).subarray(0, 30)))).toBe('truncated');
  });

  it('round-trips presence (set and clear) and rejects hostile presence frames', () => {
    const m = {
      type: 'presence' as const,
      docId: 'doc',
      entries: [
        {
          sessionId: 2 ** 40 + 2,
          state: { name: 'Ada', color: '#e91e63', cursor: { anchor: 3, head: 5 }, data: null },
        },
        { sessionId: 17, state: null },
      ],
    };
    expect(decodeClusterMessage(encodeClusterMessage(m))).toEqual(m);
    expect(decodeClusterMessage(encodeClusterMessage({ type: 'presence-reset' }))).toEqual({
      type: 'presence-reset',
    });
    // 500 entries claimed, none present: refused before looping
    const lying = frame(32, (e) => {
      e.writeString('doc');
      e.writeVarUint(500);
    });
    expect(code(() => decodeClusterMessage(lying))).toBe('truncated');
    const many = encodeClusterMessage({
      type: 'presence',
      docId: 'doc',
      entries: Array.from({ length: 3 }, (_, i) => ({ sessionId: i + 1, state: null })),
    });
    expect(code(() => decodeClusterMessage(many, { ...DEFAULT_CLUSTER_LIMITS, maxPresenceEntries: 2 }))).toBe(
      'too-large',
    );
    const zeroSession = frame(32, (e) => {
      e.writeString('doc');
      e.writeVarUint(1);
      e.writeVarUint(0);
      e.writeU8(0);
    });
    expect(code(() => decodeClusterMessage(zeroSession))).toBe('invalid');
    const badFlag = frame(32, (e) => {
      e.writeString('doc');
      e.writeVarUint(1);
      e.writeVarUint(5);
      e.writeU8(2);
    });
    expect(code(() => decodeClusterMessage(badFlag))).toBe('bad-tag');
    const longName = frame(32, (e) => {
      e.writeString('doc');
      e.writeVarUint(1);
      e.writeVarUint(5);
      e.writeU8(1);
      e.writeString('n'.repeat(257));
    });
    expect(code(() => decodeClusterMessage(longName))).toBe('too-large');
    const badValueTag = frame(32, (e) => {
      e.writeString('doc');
      e.writeVarUint(1);
      e.writeVarUint(5);
      e.writeU8(1);
      e.writeString('n');
      e.writeString('c');
      e.writeU8(99);
    });
    expect(code(() => decodeClusterMessage(badValueTag))).not.toBe('ok');
    expect(code(() => decodeClusterMessage(new Uint8Array([CLUSTER_PROTOCOL_VERSION, 33, 0])))).toBe(
      'trailing-bytes',
    );
    // An entry of several MiB from a (broken) peer: refused whole, however few entries it has.
    const state = (bytes: number) => ({ name: 'n', color: '#fff', cursor: null, data: 'x'.repeat(bytes) });
    const big = encodeClusterMessage({
      type: 'presence',
      docId: 'doc',
      entries: [{ sessionId: 1, state: state(3 << 20) }],
    });
    expect(code(() => decodeClusterMessage(big))).toBe('too-large');
    const fits = encodeClusterMessage({
      type: 'presence',
      docId: 'doc',
      entries: [{ sessionId: 1, state: state(60_000) }],
    });
    expect(code(() => decodeClusterMessage(fits))).toBe('ok');
  });
});

describe('batched acknowledgements', () => {
  it('round-trip, and a frame is the message behind its length', () => {
    const m = {
      type: 'replicate-acks' as const,
      acks: [
        { docId: 'a', updateId: 1 },
        { docId: 'b', updateId: 300 },
        { docId: 'a', updateId: 2 },
      ],
    };
    const bytes = encodeClusterMessage(m);
    expect(decodeClusterMessage(bytes)).toEqual(m);
    const f = encodeClusterFrame(m);
    expect(f.readUInt32BE(0)).toBe(bytes.length);
    expect([...f.subarray(4)]).toEqual([...bytes]);
  });

  it('refuse more acks than the bound, a count past the bytes, and an empty document id', () => {
    const acks = (n: number, docId = 'd') =>
      frame(37, (e) => {
        e.writeVarUint(n);
        for (let i = 0; i < n; i++) {
          e.writeString(docId);
          e.writeVarUint(i + 1);
        }
      });
    expect(code(() => decodeClusterMessage(acks(MAX_ACKS_PER_MESSAGE)))).toBe('ok');
    expect(code(() => decodeClusterMessage(acks(MAX_ACKS_PER_MESSAGE + 1)))).not.toBe('ok');
    expect(code(() => decodeClusterMessage(acks(1, '')))).toBe('invalid');
    const claimsMore = frame(37, (e) => {
      e.writeVarUint(1000);
      e.writeString('d');
      e.writeVarUint(1);
    });
    expect(code(() => decodeClusterMessage(claimsMore))).not.toBe('ok');
  });
});

describe('register peer messages', () => {
  const write = {
    type: 'register-write' as const,
    docId: 'd',
    term: 3,
    reqId: 9,
    records: [{ key: 'lock', record: { value: 'me', term: 3, seq: 2, ops: ['op-1'] } }],
  };

  it('round-trip', () => {
    expect(decodeClusterMessage(encodeClusterMessage(write))).toEqual(write);
  });

  it('refuse term 0, terms above MAX_TERM, too many records or op ids, bad values', () => {
    const e = (fill: (enc: Encoder) => void) => {
      const enc = new Encoder();
      enc.writeU8(CLUSTER_PROTOCOL_VERSION);
      enc.writeU8(42);
      enc.writeString('d');
      fill(enc);
      return enc.toBytes();
    };
    const code = (bytes: Uint8Array) => {
      try {
        decodeClusterMessage(bytes);
      } catch (err) {
        if (err instanceof DecodeError) return err.code;
        throw err;
      }
      return 'decoded';
    };
    const record = (enc: Encoder, opts: { tag?: number; ops?: number; term?: number } = {}) => {
      enc.writeString('k');
      enc.writeU8(opts.tag ?? 0);
      enc.writeVarUint(opts.term ?? 1);
      enc.writeVarUint(1);
      enc.writeVarUint(opts.ops ?? 0);
      for (let i = 0; i < (opts.ops ?? 0); i++) enc.writeString('o');
    };
    const ok = e((enc) => {
      enc.writeVarUint(1);
      enc.writeVarUint(1);
      enc.writeVarUint(1);
      record(enc);
    });
    expect(code(ok)).toBe('decoded');
    expect(
      code(
        e((enc) => {
          enc.writeVarUint(0);
          enc.writeVarUint(1);
          enc.writeVarUint(0);
        }),
      ),
    ).toBe('invalid');
    expect(
      code(
        e((enc) => {
          enc.writeVarUint(MAX_TERM + 1);
          enc.writeVarUint(1);
          enc.writeVarUint(0);
        }),
      ),
    ).toBe('invalid');
    // more records than a document may hold, claimed before they are read
    expect(
      code(
        e((enc) => {
          enc.writeVarUint(1);
          enc.writeVarUint(1);
          enc.writeVarUint(MAX_REGISTER_KEYS + 1);
          for (let i = 0; i <= MAX_REGISTER_KEYS; i++) record(enc);
        }),
      ),
    ).toBe('too-large');
    expect(
      code(
        e((enc) => {
          enc.writeVarUint(1);
          enc.writeVarUint(1);
          enc.writeVarUint(1);
          record(enc, { ops: MAX_REMEMBERED_OPS + 1 });
        }),
      ),
    ).toBe('too-large');
    expect(
      code(
        e((enc) => {
          enc.writeVarUint(1);
          enc.writeVarUint(1);
          enc.writeVarUint(1);
          record(enc, { tag: 7 });
        }),
      ),
    ).toBe('bad-tag');
    expect(
      code(
        e((enc) => {
          enc.writeVarUint(1);
          enc.writeVarUint(1);
          enc.writeVarUint(1);
          record(enc, { term: MAX_TERM + 1 });
        }),
      ),
    ).toBe('invalid');
  });
});

describe('DEFAULT_CLUSTER_LIMITS', () => {
  it('cannot be changed by an importer (it bounds every decode that passes no limits)', () => {
    const limits = DEFAULT_CLUSTER_LIMITS as { maxMembers: number };
    expect(Object.isFrozen(DEFAULT_CLUSTER_LIMITS)).toBe(true);
    expect(() => {
      limits.maxMembers = 1_000_000;
    }).toThrow(TypeError);
    expect(DEFAULT_CLUSTER_LIMITS.maxMembers).toBe(64);
  });
});
