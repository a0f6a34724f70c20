import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hocuspocusProtocol, yjsUpdateKey } from '../../../src/relay/protocols/hocuspocus.js';
import { ByteWriter } from '../../../src/relay/varint.js';

describe('hocuspocus load protocol', () => {
  it('pre-encodes updates that apply in order and build the client text', () => {
    const updates = hocuspocusProtocol.makeUpdates(3, 20);
    expect(updates).toHaveLength(20);
    expect(new Set(updates.map((u) => u.key)).size).toBe(20);
    const doc = new Y.Doc();
    for (const u of updates) Y.applyUpdate(doc, u.payload);
    expect(doc.getText('text').toString()).toBe('xxxxxxx xxxxxxx xxxx');
  });

  it('updates of different clients apply in any interleaving', () => {
    const a = hocuspocusProtocol.makeUpdates(0, 5);
    const b = hocuspocusProtocol.makeUpdates(1, 5);
    const d1 = new Y.Doc();
    const d2 = new Y.Doc();
    for (let i = 0; i < 5; i++) {
      Y.applyUpdate(d1, (a[i] as { payload: Uint8Array }).payload);
      Y.applyUpdate(d1, (b[i] as { payload: Uint8Array }).payload);
    }
    for (const u of [...b, ...a]) Y.applyUpdate(d2, u.payload);
    expect(d1.getText('text').toString()).toBe(d2.getText('text').toString());
    expect(d1.getText('text').length).toBe(10);
  });

  it('keys a relayed update by its first struct, as the server re-encodes it', () => {
    const [u] = hocuspocusProtocol.makeUpdates(7, 1);
    const server = new Y.Doc();
    let relayed: Uint8Array | null = null;
    server.on('update', (x: Uint8Array) => {
      relayed = x;
    });
    Y.applyUpdate(server, (u as { payload: Uint8Array }).payload);
    expect(relayed).not.toBeNull();
    expect(yjsUpdateKey(relayed as unknown as Uint8Array)).toBe(u?.key);
  });

  it('classifies server frames', () => {
    const ack = new ByteWriter().varString('d').varUint(8).varUint(1).bytes();
    expect(hocuspocusProtocol.parse(ack)).toEqual({ kind: 'ack', id: 0, ok: true });
    const [u] = hocuspocusProtocol.makeUpdates(1, 1);
    const frame = hocuspocusProtocol.updateFrame('d', 1, u as { key: number; payload: Uint8Array });
    expect(hocuspocusProtocol.parse(frame)).toEqual({ kind: 'update', key: u?.key, payload: u?.payload });
    const step2 = new ByteWriter()
      .varString('d')
      .varUint(0)
      .varUint(1)
      .varBytes(new Uint8Array([0, 0]))
      .bytes();
    expect(hocuspocusProtocol.parse(step2)).toEqual({ kind: 'ready', state: new Uint8Array([0, 0]) });
    expect(hocuspocusProtocol.parse(new Uint8Array([9])).kind).toBe('error');
  });
});
