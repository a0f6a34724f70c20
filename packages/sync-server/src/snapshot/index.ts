export {
  type SnapshotAcceptance,
  SnapshotFence,
  type SnapshotQueryAnswer,
  type SnapshotRefusal,
} from './snapshot-fence.js';
export {
  compareSnapshotNumbers,
  maxSnapshotNumber,
  type SnapshotHeader,
  type SnapshotNumber,
} from './snapshot-number.js';
export {
  type IssueResult,
  type SequencerEvent,
  type SnapshotQueryMessage,
  SnapshotSequencer,
} from './snapshot-sequencer.js';
