/**
 * A node's persisted election state (term and vote) in its SQLite `meta` table: written, fsynced,
 * before anything that depends on it is sent; read back at start.
 */
import { isValidTerm, MAX_TERM, type PersistentElectionState } from '../election/types.js';

/** The `meta` key holding a node's term and vote. */
export const ELECTION_META_KEY = 'cluster.election';

/** Parse the persisted term and vote; throws `RangeError` if the stored value is corrupt. */
export function readPersisted(raw: string | undefined): PersistentElectionState {
  if (raw === undefined) return { term: 0, votedFor: null };
  const v: unknown = JSON.parse(raw);
  if (typeof v === 'object' && v !== null && 'term' in v && 'votedFor' in v) {
    const { term, votedFor } = v as { term: unknown; votedFor: unknown };
    if (typeof term === 'number' && !isValidTerm(term)) {
      throw new RangeError(
        `persisted election term ${term} is outside 0..${MAX_TERM}: this node's SQLite file holds a term no node can follow`,
      );
    }
    if (Number.isSafeInteger(term) && (votedFor === null || Number.isSafeInteger(votedFor))) {
      return { term: term as number, votedFor: votedFor as number | null };
    }
  }
  throw new RangeError(`corrupt persisted election state: ${raw}`);
}
