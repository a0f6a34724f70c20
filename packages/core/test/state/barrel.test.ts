import * as core from '@accord/core';
import { describe, expect, it } from 'vitest';

describe('@accord/core exports the state-based CRDTs', () => {
  it('exposes every type and codec from the package entry', () => {
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
      'stringCodec',
      'numberCodec',
      'jsonCodec',
      'compareValueKeys',
      'StateTag',
    ]) {
      expect(core, name).toHaveProperty(name);
    }
    const set = new core.ORSet(core.randomReplicaId(), core.jsonCodec);
    set.add({ hello: 'world' });
    expect(core.ORSet.decode(set.encode(), 1, core.jsonCodec).value()).toEqual([{ hello: 'world' }]);
  });
});
