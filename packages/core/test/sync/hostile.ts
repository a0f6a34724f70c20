/**
 * Hostile updates for the pending-set tests: structs and deletions that wait forever (for clocks
 * nobody sends), or that prove invalid once what they wait for arrives.
 */
import type { SeqRecord, UpdateRecord } from '@accord/core/protocol';

/** A far-future clock of an honest replica: never reached in the tests. */
export const FAR = 10 ** 9;

/** A one-unit text run of `client` at `clock` in root text `root`, with optional left origin. */
export function run(client: number, clock: number, origin?: [number, number], root = 't'): SeqRecord {
  return {
    t: 0,
    client,
    clock,
    len: 1,
    parent: { name: root, kind: 'text', client: -1, clock: 0 },
    olClient: origin === undefined ? -1 : origin[0],
    olClock: origin === undefined ? 0 : origin[1],
    orClient: -1,
    orClock: 0,
    content: 'z',
  };
}

/** The shapes of held structs an attacker can send. */
export type HostileKind = 'gap' | 'origin' | 'parent' | 'invalid';

/**
 * Hostile struct number `i` of `kind`, aimed at honest replica `victim`:
 * - `gap`: a new replica's struct at clock 1 in root text `h` (clock 0 comes only with
 *   {@link gapFiller});
 * - `origin`: its left origin is the victim's far-future clock;
 * - `parent`: a map entry inside a container held by the victim's far-future clock;
 * - `invalid`: a list run whose origin is the victim's clock `near` in text `t` (another
 *   container): it waits for that clock, then proves invalid.
 */
export function hostileRecord(kind: HostileKind, i: number, victim: number, near = 0): UpdateRecord {
  const client = 1000 + i;
  if (kind === 'gap') return run(client, 1, undefined, 'h');
  if (kind === 'origin') return run(client, 0, [victim, FAR + i]);
  if (kind === 'parent') {
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
  return {
    ...run(client, 0, [victim, near]),
    parent: { name: 'l', kind: 'list', client: -1, clock: 0 },
    content: [i],
  };
}

/** The struct that unblocks hostile `gap` struct number `i`. */
export function gapFiller(i: number): UpdateRecord {
  return run(1000 + i, 0, undefined, 'h');
}

/** `n` deleted ranges of one unit each, at the victim's far-future clocks (held forever). */
export function farDeletes(victim: number, n: number, from = 0): Map<number, number[]> {
  const ranges: number[] = [];
  for (let k = 0; k < n; k++) ranges.push(FAR + 2 * (from + k), 1);
  return new Map([[victim, ranges]]);
}
