/**
 * Collects what one step of an election state machine asks its host to do (state to persist,
 * timers, messages, events), in the order the host must apply them. Shared by election
 * algorithms so each one's file holds only its protocol.
 */
import type {
  ElectionEvent,
  ElectionMessage,
  ElectionOutput,
  ElectionPhase,
  ElectionPhaseCause,
  ElectionPhaseOutcome,
  ElectionTimer,
  NodeId,
  PersistentElectionState,
} from './types.js';

const empty = (): ElectionOutput => ({ send: [], timers: [], events: [] });

/** The output of the step in progress. */
export class StepOutput {
  private out: ElectionOutput = empty();

  /** Start a new step (drops anything not taken). */
  reset(): void {
    this.out = empty();
  }

  /** End the step: hand over its output and start empty. */
  take(): ElectionOutput {
    const out = this.out;
    this.out = empty();
    return out;
  }

  /** State the host must write durably before anything else of this step. */
  persist(state: PersistentElectionState): void {
    this.out.persist = { ...state };
  }

  send(to: NodeId, message: ElectionMessage): void {
    this.out.send.push({ to, message });
  }

  /** Set (`delayMs` >= 0) or cancel (null) a timer. */
  timer(timer: ElectionTimer, delayMs: number | null): void {
    this.out.timers.push({ timer, delayMs });
  }

  event(e: ElectionEvent): void {
    this.out.events.push(e);
  }

  /** Trace: a phase of a round started. */
  phaseStarted(
    phase: ElectionPhase,
    term: number,
    at: number,
    cause: ElectionPhaseCause,
    successors: readonly NodeId[],
    asked: readonly NodeId[],
  ): void {
    this.event({
      type: 'phase-started',
      phase,
      term,
      at,
      cause,
      successors: [...successors],
      asked: [...asked],
    });
  }

  /** Trace: a phase of a round ended. */
  phaseEnded(
    phase: ElectionPhase,
    term: number,
    at: number,
    outcome: ElectionPhaseOutcome,
    granted: Iterable<NodeId>,
  ): void {
    this.event({ type: 'phase-ended', phase, term, at, outcome, granted: [...granted] });
  }
}
