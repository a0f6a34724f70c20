import { describe, expect, it } from 'vitest';
import { ByteReader, ByteReaderError, ByteWriter } from '../../src/relay/varint.js';

describe('varint reader/writer', () => {
  it('round-trips integers, strings and bytes', () => {
    const values = [0, 1, 127, 128, 300, 2 ** 32, 2 ** 53 - 1];
    const w = new ByteWriter();
    for (const v of values) w.varUint(v);
    w.varString('héllo').varBytes(new Uint8Array([1, 2, 3]));
    const r = new ByteReader(w.bytes());
    for (const v of values) expect(r.varUint()).toBe(v);
    expect(r.varString()).toBe('héllo');
    expect([...r.varBytes()]).toEqual([1, 2, 3]);
    expect(r.pos).toBe(r.buf.length);
  });

  it('rejects truncated input', () => {
    expect(() => new ByteReader(new Uint8Array([0x80])).varUint()).toThrow(ByteReaderError);
    expect(() => new ByteReader(new Uint8Array([5, 1])).varBytes()).toThrow(ByteReaderError);
  });
});
