/**
 * The factory of election machines: the algorithm's name to its state machine.
 */
import type { RandomSource } from '../time/random.js';
import type { ElectionAlgorithm, ElectionAlgorithmName } from './algorithm.js';
import { CandidatesNode } from './candidates-node.js';
import { ElectionNode } from './election-node.js';
import { InvitationNode } from './invitation-node.js';
import { RingNode } from './ring-node.js';
import type { ElectionConfig, PersistentElectionState } from './types.js';

/**
 * Create the state machine of algorithm `name` for one node. Throws `RangeError` for an invalid
 * configuration (including candidates that are not members) or persisted state.
 */
export function createElection(
  name: ElectionAlgorithmName,
  config: ElectionConfig,
  persisted: PersistentElectionState,
  random: RandomSource = Math.random,
): ElectionAlgorithm {
  switch (name) {
    case 'bully':
      return new ElectionNode(config, persisted, random);
    case 'candidates':
      return new CandidatesNode(config, persisted, random);
    case 'invitation':
      return new InvitationNode(config, persisted, random);
    case 'ring':
      return new RingNode(config, persisted, random);
  }
}
