import * as core from '@accord/core';
import * as crdts from '@accord/core/crdts';
import * as protocol from '@accord/core/protocol';
import * as testing from '@accord/core/testing';
import { describe, expect, it } from 'vitest';

/** Names of the sequence, store, codec and clock internals no entry point may export. */
const INTERNALS = [
  'Item',
  'Sequence',
  'SequenceIndex',
  'LEAF_MAX',
  'StructStore',
  'Transaction',
  'WaitIndex',
];

describe('@accord/core entry points', () => {
  it('the main entry offers the document and its sync, nothing of the wire protocol or CRDTs', () => {
    for (const name of ['Doc', 'Text', 'List', 'DocMap', 'Counter', 'UndoManager', 'applyUpdate']) {
      expect(core, name).toHaveProperty(name);
    }
    for (const name of [
      'encodeStateAsUpdate',
      'encodeStateVector',
      'mergeUpdates',
      'diffUpdate',
      'createAnchor',
    ]) {
      expect(core, name).toHaveProperty(name);
    }
    for (const name of [...INTERNALS, 'Encoder', 'Decoder', 'encodeMessage', 'GCounter', 'VectorClock']) {
      expect(core, name).not.toHaveProperty(name);
    }
  });

  it('@accord/core/crdts offers every standalone CRDT, clock and value codec, and they work', () => {
    for (const name of [
      'GCounter',
      'PNCounter',
      'GSet',
      'TwoPSet',
      'ORSet',
      'LWWRegister',
      'MVRegister',
      'LWWMap',
      'ORMap',
      'OpCounter',
      'OpORSet',
      'OpReplica',
      'VectorClock',
      'HybridClock',
      'CausalBuffer',
      'stringCodec',
      'numberCodec',
      'jsonCodec',
      'compareValueKeys',
      'StateTag',
    ]) {
      expect(crdts, name).toHaveProperty(name);
    }
    for (const name of [...INTERNALS, 'Doc', 'encodeMessage']) expect(crdts, name).not.toHaveProperty(name);
    const set = new crdts.ORSet(crdts.randomReplicaId(), crdts.jsonCodec);
    set.add({ hello: 'world' });
    expect(crdts.ORSet.decode(set.encode(), 1, crdts.jsonCodec).value()).toEqual([{ hello: 'world' }]);
  });

  it('@accord/core/protocol offers the wire protocol and the update format on bytes', () => {
    for (const name of [
      'encodeMessage',
      'decodeClientMessage',
      'decodeServerMessage',
      'CloseCode',
      'docIdProblem',
    ]) {
      expect(protocol, name).toHaveProperty(name);
    }
    for (const name of [
      'Encoder',
      'Decoder',
      'decodeUpdate',
      'encodeUpdate',
      'coverageOf',
      'PROTOCOL_VERSION',
    ]) {
      expect(protocol, name).toHaveProperty(name);
    }
    for (const name of [...INTERNALS, 'Doc', 'GCounter']) expect(protocol, name).not.toHaveProperty(name);
    const frame = protocol.encodeMessage({ type: 'ping', nonce: 7 });
    expect(protocol.decodeClientMessage(frame)).toEqual({ type: 'ping', nonce: 7 });
  });

  it('the error classes are one class whichever entry they come from', () => {
    expect(core.DecodeError).toBe(protocol.DecodeError);
    expect(core.AccordError).toBe(crdts.AccordError);
    expect(testing).toHaveProperty('ManualScheduler');
  });
});
