/** A system under fuzz: something that receives hostile bytes and must survive them intact. */

/** What became of one frame. */
export type FrameOutcome =
  /** The bytes were a valid update (e.g. a duplicate) and were applied. */
  | 'accepted'
  /** Refused the right way: a typed error, state unchanged / connection refused, node alive. */
  | 'rejected'
  /** The wrong kind of error, an exception escaping, or a dead process. */
  | 'crash'
  /** State changed by a refused frame, or state no longer consistent. */
  | 'corruption';

/** The result of one frame, with a short reason for anything but accepted/rejected. */
export interface FrameResult {
  readonly outcome: FrameOutcome;
  readonly detail?: string;
}

/** A fuzz target. `setup` before the first frame, `finish` after the last. */
export interface FuzzTarget {
  /** Short name (`applyUpdate`, `relay`). */
  readonly name: string;
  /** Prepares the target; returns the corpus of real, valid updates to mutate. */
  setup(seed: number): Promise<Uint8Array[]>;
  /** Feeds one frame and judges the outcome. */
  feed(frame: Uint8Array): Promise<FrameResult>;
  /** Final checks (e.g. honest clients converged, the node is alive); returns extra corruptions and crashes. */
  finish(): Promise<{
    crashes: number;
    corruptions: number;
    details: string[];
    /** Largest event-loop delay of the system under test (e.g. the relay process), when known (ms). */
    targetEventLoopDelayMaxMs?: number;
  }>;
}
