/**
 * Test harness: op-based replicas connected by the seeded network, exchanging encoded messages
 * (so every run also exercises the codecs), plus an anti-entropy repair that resends what a
 * replica lacks, for runs whose network drops messages.
 */
import { type CausalMessage, type OpCrdt, type OpOf, OpReplica, type ReplicaId } from '@accord/core/crdts';
import { type NetworkEndpoint, type NetworkOptions, SeededNetwork } from '@accord/core/testing';
import type { ScriptItem } from '../arbitraries/index.js';

/** Replica ids used by simulations: distinct, some above 2^32. */
export const REPLICA_IDS: readonly ReplicaId[] = [11, 2 ** 40 + 5, 3, 2 ** 53 - 2, 900];

/** What a simulation returns: the replicas and every local message, in creation order. */
export interface SimulationResult<C extends OpCrdt<unknown, unknown>> {
  replicas: OpReplica<C>[];
  log: CausalMessage<OpOf<C>>[];
  network: SeededNetwork<Uint8Array>;
}

/**
 * Run `script` on `count` replicas made by `make`: each item prepares an op on one replica with
 * `act`, applies it locally, broadcasts it, and lets the network take a few steps. Afterwards the
 * network is flushed and, if it drops messages, repaired until every replica has every op.
 */
export function simulate<C extends OpCrdt<unknown, unknown>, A>(opts: {
  count: number;
  seed: number;
  network: NetworkOptions;
  script: readonly ScriptItem<A>[];
  make: (replica: ReplicaId, index: number) => C;
  act: (crdt: C, action: A, index: number) => OpOf<C>;
  /** Split replicas {0, 1} from the rest during the middle third of the script. */
  partition?: boolean;
  /** Called before each action (for example to move a fake wall clock). */
  beforeAction?: (item: ScriptItem<A>, step: number) => void;
}): SimulationResult<C> {
  const net = new SeededNetwork<Uint8Array>({ ...opts.network, seed: opts.seed });
  const replicas: OpReplica<C>[] = [];
  const endpoints: NetworkEndpoint<Uint8Array>[] = [];
  for (let i = 0; i < opts.count; i++) {
    const rep = new OpReplica(opts.make(REPLICA_IDS[i] as ReplicaId, i), { retainHistory: true });
    replicas.push(rep);
    endpoints.push(net.join((bytes) => rep.receiveBytes(bytes)));
  }
  const log: CausalMessage<OpOf<C>>[] = [];
  const third = Math.floor(opts.script.length / 3);
  opts.script.forEach((item, step) => {
    if (opts.partition && step === third) {
      net.partition([[0, 1], Array.from({ length: opts.count - 2 }, (_, k) => k + 2)]);
    }
    if (opts.partition && step === 2 * third) net.heal();
    opts.beforeAction?.(item, step);
    const rep = replicas[item.replica] as OpReplica<C>;
    const msg = rep.apply(opts.act(rep.crdt, item.action, item.replica));
    log.push(msg);
    endpoints[item.replica]?.broadcast(rep.encode(msg));
    for (let s = 0; s < item.steps; s++) net.step();
  });
  net.deliverAll(100_000);
  net.heal();
  // Anti-entropy: each replica sends every peer the retained messages the peer's clock lacks.
  for (let round = 0; round < 200; round++) {
    let resent = 0;
    for (let i = 0; i < replicas.length; i++) {
      for (let j = 0; j < replicas.length; j++) {
        if (i === j) continue;
        const from = replicas[j] as OpReplica<C>;
        for (const m of from.messagesSince((replicas[i] as OpReplica<C>).delivered)) {
          net.send(j, i, from.encode(m));
          resent++;
        }
      }
    }
    if (resent === 0) break;
    net.deliverAll(100_000);
  }
  return { replicas, log, network: net };
}

/** True when message `a` causally precedes message `b` (b's dependencies include a). */
export function happenedBefore<T>(a: CausalMessage<T>, b: CausalMessage<T>): boolean {
  return b.deps.includes(a.dot);
}
