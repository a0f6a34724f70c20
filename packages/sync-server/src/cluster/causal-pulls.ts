/**
 * The pulls of causal forwarding (see `causal-forwarding.ts`): asking a sender for what this
 * node lacks of a document (`causal-pull`) after a wait, or at once, and again after `retryMs`
 * while something from it is still held or owed. A pull left unanswered for `silentMs` marks its
 * peer silent, which the witness entry rules take for down.
 */
import type { NodeId } from '../election/types.js';
import { type CausalDocs, type DocCausal, waitsOn } from './causal-docs.js';
import type { CausalForwardingOptions } from './causal-types.js';

/** Schedules and cancels the pulls of every tracked document. */
export class CausalPulls {
  constructor(
    private readonly docs: CausalDocs,
    private readonly o: Pick<CausalForwardingOptions, 'scheduler' | 'pull' | 'silentMs' | 'retryMs'>,
  ) {}

  /**
   * Pull `docId` from `from` in `delayMs` (0: now, replacing a pull already due later; otherwise
   * only when none is due), if something from it is still held or owed by then.
   */
  schedule(docId: string, d: DocCausal, from: NodeId, delayMs: number): void {
    const pending = d.pulls.get(from);
    if (pending !== undefined) {
      if (delayMs > 0) return;
      pending.cancel();
    }
    d.pulls.set(
      from,
      this.o.scheduler.setTimer(delayMs, () => {
        d.pulls.delete(from);
        if (this.docs.peek(docId) !== d || !waitsOn(d, from)) return;
        if (!d.pullSentAt.has(from)) {
          const sent = this.docs.nextEvent();
          d.pullSentAt.set(from, sent);
          // A peer behind a silent partition keeps its link up for a while: once it leaves this
          // pull unanswered for `silentMs`, the witness entry rules take it for down.
          this.o.scheduler.setTimer(this.o.silentMs ?? 100, () => {
            if (this.docs.peek(docId) === d && d.pullSentAt.get(from) === sent) d.silent.add(from);
          });
        }
        this.o.pull(from, docId);
        // Unanswered (a lost link, a lost message): ask again while something is still held.
        d.pulls.set(
          from,
          this.o.scheduler.setTimer(this.o.retryMs ?? 1000, () => {
            d.pulls.delete(from);
            if (this.docs.peek(docId) === d && waitsOn(d, from)) this.schedule(docId, d, from, 0);
          }),
        );
      }),
    );
  }

  /** Cancel the pull due to `from`, if any. */
  cancel(d: DocCausal, from: NodeId): void {
    d.pulls.get(from)?.cancel();
    d.pulls.delete(from);
  }
}
