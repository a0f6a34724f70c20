import {
  AccordError,
  CloseCode,
  closeCodeInfo,
  DecodeError,
  decodeClientMessage,
  decodeMessage,
  decodeServerMessage,
  Encoder,
  encodeMessage,
  MAX_CAS_OP_ID_BYTES,
  MAX_DOC_ID_BYTES,
  MAX_REGISTER_VALUE_BYTES,
  MAX_TOKEN_BYTES,
  MessageTypeCode,
  PRESENCE_MAX_DEPTH,
  PROTOCOL_VERSION,
  type PresenceValue,
} from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DecodeError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('protocol frames', () => {
  it('starts every frame with the version byte and the type code', () => {
    const bytes = encodeMessage({ type: 'ack', id: 300 });
    expect(Array.from(bytes)).toEqual([PROTOCOL_VERSION, 6, 0xac, 0x02]);
  });

  it('rejects another protocol version with bad-version', () => {
    const bytes = encodeMessage({ type: 'ping', nonce: 1 });
    for (const v of [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1]) {
      bytes[0] = v;
      expect(codeOf(() => decodeMessage(bytes))).toBe('bad-version');
    }
  });

  it('carries the write concern of a hello as one byte: absent 0, one 1, majority 2, all 3', () => {
    const hello = (w?: 1 | 'majority' | 'all') =>
      encodeMessage({
        type: 'hello',
        docId: 'd',
        token: '',
        stateVector: new Uint8Array(),
        ...(w === undefined ? {} : { w }),
      });
    expect(Array.from(hello())).toEqual([PROTOCOL_VERSION, 1, 1, 100, 0, 0, 0, 0]);
    expect(Array.from(hello(1)).at(-2)).toBe(1);
    expect(Array.from(hello('majority')).at(-2)).toBe(2);
    expect(Array.from(hello('all')).at(-2)).toBe(3);
    expect(decodeMessage(hello())).not.toHaveProperty('w');
    for (const w of [1, 'majority', 'all'] as const) expect(decodeMessage(hello(w))).toMatchObject({ w });
    const bad = hello();
    bad[bad.length - 2] = 4;
    expect(codeOf(() => decodeMessage(bad))).toBe('bad-tag');
  });

  it('carries a session vector in hello behind a flag byte (0 none, 1 then the bytes)', () => {
    const session = new Uint8Array([1, 7, 9]);
    const bytes = encodeMessage({
      type: 'hello',
      docId: 'd',
      token: '',
      stateVector: new Uint8Array(),
      session,
    });
    expect(Array.from(bytes)).toEqual([PROTOCOL_VERSION, 1, 1, 100, 0, 0, 0, 1, 3, 1, 7, 9]);
    const decoded = decodeMessage(bytes);
    expect(decoded).toMatchObject({ type: 'hello', session });
    expect(decoded).not.toHaveProperty('w');
    const bad = bytes.slice();
    bad[7] = 2;
    expect(codeOf(() => decodeMessage(bad))).toBe('bad-tag');
    expect(codeOf(() => decodeMessage(bytes.subarray(0, 10)))).toBe('truncated');
  });

  it('carries the session status in welcome: 0 none asked, 1 covered, 2 behind', () => {
    const welcome = (session?: 'covered' | 'behind') =>
      encodeMessage({
        type: 'welcome',
        sessionId: 5,
        scope: 'write',
        nodeId: 2,
        presenceTtlMs: 30,
        readQuorum: true,
        ...(session === undefined ? {} : { session }),
      });
    expect(Array.from(welcome()).at(-1)).toBe(0);
    expect(Array.from(welcome('covered')).at(-1)).toBe(1);
    expect(Array.from(welcome('behind')).at(-1)).toBe(2);
    expect(decodeMessage(welcome())).not.toHaveProperty('session');
    expect(decodeMessage(welcome('covered'))).toMatchObject({ session: 'covered' });
    expect(decodeMessage(welcome('behind'))).toMatchObject({ session: 'behind' });
    const bad = welcome();
    bad[bad.length - 1] = 3;
    expect(codeOf(() => decodeMessage(bad))).toBe('bad-tag');
  });

  it('carries whether a join read its quorum in welcome, as one byte (0 or 1)', () => {
    const welcome = (readQuorum: boolean) =>
      encodeMessage({
        type: 'welcome',
        sessionId: 5,
        scope: 'write',
        nodeId: 2,
        presenceTtlMs: 30,
        readQuorum,
      });
    expect(Array.from(welcome(false))).toEqual([PROTOCOL_VERSION, 2, 5, 1, 2, 30, 0, 0]);
    expect(decodeMessage(welcome(false))).toMatchObject({ type: 'welcome', readQuorum: false });
    expect(decodeMessage(welcome(true))).toMatchObject({ type: 'welcome', readQuorum: true, nodeId: 2 });
    const bad = welcome(true);
    bad[6] = 2;
    expect(codeOf(() => decodeMessage(bad))).toBe('bad-tag');
    expect(codeOf(() => decodeMessage(welcome(true).subarray(0, 6)))).toBe('truncated');
  });

  it('rejects an unknown message type with bad-tag', () => {
    expect(codeOf(() => decodeMessage(new Uint8Array([PROTOCOL_VERSION, 99])))).toBe('bad-tag');
    expect(codeOf(() => decodeMessage(new Uint8Array([PROTOCOL_VERSION, 0])))).toBe('bad-tag');
  });

  it('rejects empty input and non-Uint8Array input', () => {
    expect(codeOf(() => decodeMessage(new Uint8Array(0)))).toBe('truncated');
    expect(codeOf(() => decodeMessage('hello' as unknown as Uint8Array))).toBe('invalid');
  });

  it('round-trips a hello and copies byte fields out of the frame', () => {
    const sv = new Uint8Array([1, 2, 3]);
    const bytes = encodeMessage({ type: 'hello', docId: 'notes/ä', token: 'abc.def', stateVector: sv });
    const m = decodeMessage(bytes);
    expect(m).toEqual({ type: 'hello', docId: 'notes/ä', token: 'abc.def', stateVector: sv });
    bytes.fill(0);
    expect(m.type === 'hello' && Array.from(m.stateVector)).toEqual([1, 2, 3]);
  });

  it('rejects an empty or over-long document id and an over-long token before decoding them', () => {
    const hello = (docId: string, token = '') =>
      encodeMessage({ type: 'hello', docId, token, stateVector: new Uint8Array() });
    expect(codeOf(() => decodeMessage(hello('')))).toBe('invalid');
    expect(codeOf(() => decodeMessage(hello('x'.repeat(MAX_DOC_ID_BYTES + 1))))).toBe('too-large');
    expect(decodeMessage(hello('x'.repeat(MAX_DOC_ID_BYTES)))).toMatchObject({
      docId: 'x'.repeat(MAX_DOC_ID_BYTES),
    });
    expect(codeOf(() => decodeMessage(hello('d', 't'.repeat(MAX_TOKEN_BYTES + 1))))).toBe('too-large');
  });

  it('rejects invalid UTF-8 in strings with bad-utf8', () => {
    const e = new Encoder();
    e.writeU8(PROTOCOL_VERSION);
    e.writeU8(1); // hello
    e.writeBytes(new Uint8Array([0x61, 0xff, 0xfe])); // docId with invalid UTF-8
    e.writeString('');
    e.writeBytes(new Uint8Array());
    expect(codeOf(() => decodeMessage(e.toBytes()))).toBe('bad-utf8');
  });

  it('rejects a hostile length prefix without allocating it', () => {
    const e = new Encoder();
    e.writeU8(PROTOCOL_VERSION);
    e.writeU8(5); // update
    e.writeVarUint(1);
    e.writeVarUint(Number.MAX_SAFE_INTEGER); // claimed update length
    expect(codeOf(() => decodeMessage(e.toBytes()))).toBe('truncated');
  });

  it('rejects a presence-update claiming more entries than bytes', () => {
    const e = new Encoder();
    e.writeU8(PROTOCOL_VERSION);
    e.writeU8(8);
    e.writeVarUint(1_000_000_000);
    expect(codeOf(() => decodeMessage(e.toBytes()))).toBe('truncated');
  });

  it('encodes null leader as absent and keeps leader 0 distinct', () => {
    const base = {
      type: 'cluster',
      nodeId: 1,
      term: 3,
      successors: [2, 3],
      snapshotTerm: 2,
      snapshotSeq: 7,
    } as const;
    expect(decodeMessage(encodeMessage({ ...base, leaderId: null }))).toEqual({ ...base, leaderId: null });
    expect(decodeMessage(encodeMessage({ ...base, leaderId: 0 }))).toEqual({ ...base, leaderId: 0 });
  });

  it('maps error codes from a newer peer to unknown', () => {
    const e = new Encoder();
    e.writeU8(PROTOCOL_VERSION);
    e.writeU8(10);
    e.writeVarUint(999);
    e.writeString('from the future');
    e.writeVarUint(0);
    expect(decodeMessage(e.toBytes())).toEqual({
      type: 'error',
      code: 'unknown',
      message: 'from the future',
      id: 0,
    });
  });
});

describe('presence values', () => {
  const presence = (cursor: PresenceValue) =>
    encodeMessage({ type: 'presence', state: { name: 'Ada', color: '#f0a', cursor, data: null } });

  it('round-trips nested values, bytes, floats and big integers', () => {
    const cursor = {
      anchor: new Uint8Array([9, 8]),
      head: 12,
      sel: [1.5, -2, true, null, 'x'],
      big: 2 ** 52,
    };
    const m = decodeMessage(presence(cursor));
    expect(m).toEqual({ type: 'presence', state: { name: 'Ada', color: '#f0a', cursor, data: null } });
  });

  it('keeps a __proto__ key as an ordinary key', () => {
    const e = new Encoder();
    e.writeU8(PROTOCOL_VERSION);
    e.writeU8(7);
    e.writeU8(1);
    e.writeString('n');
    e.writeString('c');
    e.writeU8(8); // object
    e.writeVarUint(1);
    e.writeString('__proto__');
    e.writeU8(2); // true
    e.writeU8(0); // data: null
    const m = decodeMessage(e.toBytes());
    const cursor = m.type === 'presence' ? (m.state?.cursor as Record<string, unknown>) : {};
    expect(Object.getPrototypeOf(cursor)).toBe(null);
    expect(Object.keys(cursor)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects nesting deeper than the limit when encoding and when decoding', () => {
    let deep: PresenceValue = 1;
    for (let i = 0; i <= PRESENCE_MAX_DEPTH + 1; i++) deep = [deep];
    expect(() => presence(deep)).toThrow(AccordError);
    const e = new Encoder();
    e.writeU8(PROTOCOL_VERSION);
    e.writeU8(7);
    e.writeU8(1);
    e.writeString('n');
    e.writeString('c');
    for (let i = 0; i < 100; i++) {
      e.writeU8(7);
      e.writeVarUint(1);
    }
    e.writeU8(0);
    e.writeU8(0);
    expect(codeOf(() => decodeMessage(e.toBytes()))).toBe('too-large');
  });

  it('rejects non-finite numbers and unsupported values when encoding', () => {
    expect(() => presence(Number.NaN)).toThrow(AccordError);
    expect(() => presence(undefined as unknown as PresenceValue)).toThrow(AccordError);
  });
});

describe('close codes', () => {
  it('names the standard and application codes', () => {
    expect(CloseCode.badData).toBe(1007);
    expect(CloseCode.policy).toBe(1008);
    expect(CloseCode.tooBig).toBe(1009);
    for (const v of Object.values(CloseCode)) {
      expect(
        v === 1000 ||
          v === 1001 ||
          v === 1007 ||
          v === 1008 ||
          v === 1009 ||
          v === 1011 ||
          (v >= 4000 && v < 5000),
      ).toBe(true);
    }
    expect(new Set(Object.values(CloseCode)).size).toBe(Object.values(CloseCode).length);
  });

  it('tells clients when to retry and when to fetch a new token', () => {
    expect(closeCodeInfo(CloseCode.goingAway)).toEqual({
      name: 'goingAway',
      retry: true,
      needsNewToken: false,
    });
    expect(closeCodeInfo(CloseCode.authFailed)).toEqual({
      name: 'authFailed',
      retry: false,
      needsNewToken: true,
    });
    expect(closeCodeInfo(CloseCode.tokenExpired).needsNewToken).toBe(true);
    expect(closeCodeInfo(CloseCode.forbidden).retry).toBe(false);
    expect(closeCodeInfo(1006)).toEqual({ name: 'unknown', retry: true, needsNewToken: false });
  });
});

describe('register messages (cas, cas-result)', () => {
  const cas = {
    type: 'cas' as const,
    id: 7,
    opId: 'op-1',
    key: 'lock',
    expected: null,
    next: 'me',
  };

  it('round-trips every value kind', () => {
    for (const v of [null, true, false, 0, -1.5, 2 ** 60, 'x', '']) {
      expect(decodeMessage(encodeMessage({ ...cas, next: v }))).toEqual({ ...cas, next: v });
      const r = { type: 'cas-result' as const, id: 1, status: 'done' as const, ok: false, value: v };
      expect(decodeMessage(encodeMessage(r))).toEqual(r);
    }
  });

  it('refuses to encode values out of bounds', () => {
    expect(() => encodeMessage({ ...cas, next: 'x'.repeat(MAX_REGISTER_VALUE_BYTES + 1) })).toThrow(
      RangeError,
    );
    expect(() => encodeMessage({ ...cas, next: Number.NaN })).toThrow(RangeError);
    expect(() => encodeMessage({ ...cas, key: '' })).toThrow(RangeError);
  });

  it('refuses hostile frames with typed errors', () => {
    const good = encodeMessage({ ...cas, next: true });
    // unknown value tag in place of `next`
    const badTag = good.slice();
    badTag[badTag.length - 1] = 9;
    expect(codeOf(() => decodeMessage(badTag))).toBe('bad-tag');
    // a string value whose length claims more than the limit
    const enc = new Encoder();
    enc.writeU8(PROTOCOL_VERSION);
    enc.writeU8(MessageTypeCode.cas);
    enc.writeVarUint(1);
    enc.writeString('op');
    enc.writeString('k');
    enc.writeU8(0);
    enc.writeU8(4);
    enc.writeVarUint(MAX_REGISTER_VALUE_BYTES + 1);
    expect(codeOf(() => decodeMessage(enc.toBytes()))).toBe('too-large');
    // a NaN number
    const nan = new Encoder();
    nan.writeU8(PROTOCOL_VERSION);
    nan.writeU8(MessageTypeCode['cas-result']);
    nan.writeVarUint(1);
    nan.writeU8(0);
    nan.writeU8(0);
    nan.writeU8(3);
    nan.writeRaw(new Uint8Array([0, 0, 0, 0, 0, 0, 0xf8, 0x7f]));
    expect(codeOf(() => decodeMessage(nan.toBytes()))).toBe('invalid');
    // an unknown status, an empty key, an op id over its limit
    const r = encodeMessage({ type: 'cas-result', id: 1, status: 'done', ok: true, value: null });
    const badStatus = r.slice();
    badStatus[3] = 4;
    expect(codeOf(() => decodeMessage(badStatus))).toBe('bad-tag');
    const withOpId = (opId: string) => {
      const e = new Encoder();
      e.writeU8(PROTOCOL_VERSION);
      e.writeU8(MessageTypeCode.cas);
      e.writeVarUint(1);
      e.writeString(opId);
      e.writeString('k');
      e.writeU8(0);
      e.writeU8(0);
      return e.toBytes();
    };
    expect(decodeMessage(withOpId('o'))).toMatchObject({ type: 'cas', opId: 'o' });
    expect(codeOf(() => decodeMessage(withOpId('')))).toBe('invalid');
    expect(codeOf(() => decodeMessage(withOpId('o'.repeat(MAX_CAS_OP_ID_BYTES + 1))))).toBe('too-large');
    expect(() => encodeMessage({ ...cas, opId: '' })).toThrow(RangeError);
    // a relay never accepts a cas-result, a client never a cas
    expect(codeOf(() => decodeClientMessage(r))).toBe('bad-tag');
    expect(codeOf(() => decodeServerMessage(good))).toBe('bad-tag');
  });
});
