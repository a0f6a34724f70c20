/**
 * B3, many conflicts (scenarios of dmonad/crdt-benchmarks, MIT, Copyright (c) 2019 Kevin Jahns;
 * see `LICENSE` in this folder): 20·⌊√N⌋ replicas (1,540 for N = 6000) each make one change
 * concurrently; replica 0 applies every update (untimed, for reference), then `time` covers
 * replica 1 applying them all in one transaction and the check. `updateSize` is the sum of all
 * updates; `encodeTime`, `docSize`, `parseTime` and `memUsed` concern replica 0's state.
 */
import type { Runner } from './b1.js';
import { createMutex } from './b2.js';
import { check, heapUsed, type Results, sameJson } from './measure.js';
import type { AbstractCrdt, Bytes, CrdtFactory } from './types.js';

/** The number of concurrent replicas for N: 20·⌊√N⌋. */
export const replicasFor = (n: number): number => Math.floor(Math.sqrt(n)) * 20;

function template(
  factory: CrdtFactory,
  res: Results,
  id: string,
  clients: number,
  change: (d: AbstractCrdt, i: number) => void,
  verify: (docs: AbstractCrdt[]) => void,
): void {
  const updates: Bytes[] = [];
  const mux = createMutex();
  const docs: AbstractCrdt[] = [];
  for (let i = 0; i < clients; i++) docs.push(factory.create((u) => mux(() => updates.push(u))));
  for (let i = 0; i < docs.length; i++) change(docs[i] as AbstractCrdt, i);
  check(updates.length >= clients, 'fewer updates than replicas');
  const d0 = docs[0] as AbstractCrdt;
  const d1 = docs[1] as AbstractCrdt;
  const applyAll = (d: AbstractCrdt): void =>
    mux(() =>
      d.transact(() => {
        for (const u of updates) d.applyUpdate(u);
      }, true),
    );
  applyAll(d0);
  res.time(id, 'time', () => {
    applyAll(d1);
    verify([d0, d1]);
  });
  res.add(
    id,
    'updateSize',
    updates.reduce((a, u) => a + u.length, 0),
  );
  const encoded = res.time(id, 'encodeTime', () => d0.getEncodedState());
  res.add(id, 'docSize', encoded.length);
  docs.length = 0;
  const before = heapUsed();
  const loaded = res.time(id, 'parseTime', () => {
    const doc = factory.load(() => {}, encoded);
    verify([doc, d0]);
    return doc;
  });
  res.add(id, 'memUsed', Math.max(0, heapUsed() - before));
  void loaded;
}

const sameMaps = (docs: AbstractCrdt[]): void => {
  const first = (docs[0] as AbstractCrdt).getMap();
  for (const d of docs) check(sameJson(first, d.getMap()), 'maps differ');
};

/** Run B3.1 … B3.5. */
export function runB3(factory: CrdtFactory, res: Results, n: number, run: Runner): void {
  const clients = replicasFor(n);
  run('[B3.1] 20√N clients concurrently set number in Map', (id) =>
    template(factory, res, id, clients, (d, i) => d.setMap('v', i), sameMaps),
  );
  run('[B3.2] 20√N clients concurrently set Object in Map', (id) =>
    template(
      factory,
      res,
      id,
      clients,
      (d, i) => d.setMap('v', { name: i.toString(), address: 'here' }),
      sameMaps,
    ),
  );
  run('[B3.3] 20√N clients concurrently set String in Map', (id) =>
    template(factory, res, id, clients, (d, i) => d.setMap('v', i.toString().repeat(clients)), sameMaps),
  );
  run('[B3.4] 20√N clients concurrently insert text in Array', (id) =>
    template(
      factory,
      res,
      id,
      clients,
      (d, i) => d.insertArray(0, [i.toString()]),
      (docs) => {
        const first = (docs[0] as AbstractCrdt).getArray();
        for (const d of docs) check(sameJson(first, d.getArray()), 'arrays differ');
      },
    ),
  );
  run('[B3.5] 20√N clients concurrently insert text', (id) =>
    template(
      factory,
      res,
      id,
      clients,
      (d, i) => d.insertText(0, i.toString()),
      (docs) => {
        const first = (docs[0] as AbstractCrdt).getText();
        for (const d of docs) check(first === d.getText(), 'texts differ');
      },
    ),
  );
}
