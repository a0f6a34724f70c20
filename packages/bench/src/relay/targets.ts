/** The relays the bench can start, by name. */
import type { WriteConcern } from '@accord/core/protocol';
import { loadAccordCore } from '../accord/core-api.js';
import { accordProtocol } from './protocols/accord.js';
import { hocuspocusProtocol } from './protocols/hocuspocus.js';
import type { RelayLib } from './protocols/types.js';
import type { RelayTarget } from './run-relay-bench.js';
import { accordRelayAvailable, accordRelayMain, startAccordRelays } from './servers/accord-relay.js';
import { startHocuspocus } from './servers/hocuspocus.js';

/** Thrown when a relay under test is not available (not built yet). */
export class RelayUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RelayUnavailableError';
  }
}

/**
 * The target for `lib`; `accordArgs` are extra `accord-relay` flags (e.g. `--sync normal`), `w`
 * the write concern Accord's clients ask for (default: the relay's own).
 * @throws RelayUnavailableError when that relay cannot be started from this checkout.
 */
export async function loadRelayTarget(
  lib: RelayLib,
  accordArgs: readonly string[] = [],
  w?: WriteConcern,
): Promise<RelayTarget> {
  switch (lib) {
    case 'hocuspocus':
      return {
        lib,
        protocol: hocuspocusProtocol,
        start: async (dataDir) => [await startHocuspocus(dataDir)],
      };
    case 'accord': {
      if (!accordRelayAvailable()) {
        throw new RelayUnavailableError(`the Accord relay is not built (${accordRelayMain()} missing)`);
      }
      const core = await loadAccordCore();
      return {
        lib,
        protocol: accordProtocol(core, w),
        start: (dataDir, nodes) => startAccordRelays(dataDir, nodes, accordArgs),
      };
    }
  }
}
