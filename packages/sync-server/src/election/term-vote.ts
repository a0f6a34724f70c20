/**
 * A node's term and its vote in that term: the only state an election machine persists. Every
 * change is written to the step's output (`persist`, then a `term-changed` event where the term
 * moved) before the message that depends on it, so a node that crashes and restarts can never
 * vote twice in one term. Shared by every election algorithm.
 */
import type { StepOutput } from './step-output.js';
import { isValidTerm, type NodeId, type PersistentElectionState } from './types.js';

/** The persisted term and vote of one election machine. */
export class TermVote {
  private current: number;
  private vote: NodeId | null;

  /** Restore from the state persisted before. Throws `RangeError` for a term outside `0..MAX_TERM`. */
  constructor(persisted: PersistentElectionState) {
    if (!isValidTerm(persisted.term)) throw new RangeError(`election: bad persisted term ${persisted.term}`);
    this.current = persisted.term;
    this.vote = persisted.votedFor;
  }

  /** The current term. */
  get term(): number {
    return this.current;
  }

  /** The node voted for in the current term, if any. */
  get votedFor(): NodeId | null {
    return this.vote;
  }

  /** Fencing: a higher `term` was seen; adopt it with no vote, persist, and trace the change. */
  adopt(term: number, now: number, out: StepOutput): void {
    this.current = term;
    this.vote = null;
    out.persist({ term, votedFor: null });
    out.event({ type: 'term-changed', term, at: now });
  }

  /** Stand: claim the next term with a vote for `self`, persist, and trace the change. */
  claimNext(self: NodeId, now: number, out: StepOutput): void {
    this.current += 1;
    this.vote = self;
    out.persist({ term: this.current, votedFor: self });
    out.event({ type: 'term-changed', term: this.current, at: now });
  }

  /**
   * Vote for `candidate` in the current term if no vote was given yet (persisting it), or grant it
   * again if it already has this term's vote. Returns whether it is granted.
   */
  grant(candidate: NodeId, out: StepOutput): boolean {
    const granted = this.vote === null || this.vote === candidate;
    if (granted && this.vote === null) {
      this.vote = candidate;
      out.persist({ term: this.current, votedFor: candidate });
    }
    return granted;
  }
}
