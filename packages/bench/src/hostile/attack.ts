/**
 * The pending-set attack: updates made only of structs whose dependencies never arrive (and of
 * deletions of ids never sent), which a document must hold until they do. Three shapes, each a
 * way the held set was once expensive to carry: a fresh replica's struct whose clock starts past
 * 0 (a gap), a struct whose origin is a far-future clock of the honest author (it waits for a
 * replica that keeps advancing), and a map entry inside a container held by such a clock.
 */
import { encodeUpdate, type UpdateRecord } from '@accord/core/protocol';

/** The shapes of held structs, sent round-robin. */
export const attackShapes = ['gap', 'origin', 'parent'] as const;

/** One of {@link attackShapes}. */
export type AttackShape = (typeof attackShapes)[number];

/** First replica id the attacker uses (far from honest ones). */
const ATTACKER_BASE = 2 ** 40;
/** A clock of the honest author that is never reached. */
const FAR = 2 ** 40;

/** Held struct number `i` (shape by `i`), waiting on honest replica `victim` or a gap. */
export function attackRecord(i: number, victim: number, textName: string): UpdateRecord {
  const shape = attackShapes[i % attackShapes.length] as AttackShape;
  const client = ATTACKER_BASE + i;
  const parent = { name: textName, kind: 'text' as const, client: -1, clock: 0 };
  const base = { t: 0 as const, len: 1, parent, orClient: -1, orClock: 0, content: 'x' };
  if (shape === 'gap') return { ...base, client, clock: 1, olClient: -1, olClock: 0 };
  if (shape === 'origin') return { ...base, client, clock: 0, olClient: victim, olClock: FAR + i };
  return {
    t: 1,
    client,
    clock: 0,
    len: 1,
    parent: { name: null, kind: 'map', client: victim, clock: FAR + i },
    key: 'k',
    wall: 1,
    logical: 0,
    value: i,
  };
}

/** An update of `count` held structs, numbers `from ..`. */
export function attackFrame(from: number, count: number, victim: number, textName: string): Uint8Array {
  const records: UpdateRecord[] = [];
  for (let i = from; i < from + count; i++) records.push(attackRecord(i, victim, textName));
  return encodeUpdate({ records, deletes: new Map() });
}

/** An update of `count` one-unit deletions of the victim's far-future ids, numbers `from ..`. */
export function deleteFrame(from: number, count: number, victim: number): Uint8Array {
  const ranges: number[] = [];
  for (let i = from; i < from + count; i++) ranges.push(FAR + 2 * i, 1);
  return encodeUpdate({ records: [], deletes: new Map([[victim, ranges]]) });
}
