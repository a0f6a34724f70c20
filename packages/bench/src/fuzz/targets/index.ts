/** The fuzz targets by name. */
import { loadAccordCore } from '../../accord/core-api.js';
import { accordRelayAvailable, accordRelayMain } from '../../relay/servers/accord-relay.js';
import { applyUpdateTarget } from './apply-update.js';
import { peerTarget } from './peer.js';
import { relayTarget } from './relay.js';
import type { FuzzTarget } from './types.js';

export type { FrameOutcome, FrameResult, FuzzTarget } from './types.js';

/** Every target `pnpm fuzz` knows, in the order it runs them. */
export const fuzzTargetNames = ['applyUpdate', 'relay', 'peer'] as const;

/** One of {@link fuzzTargetNames}. */
export type FuzzTargetName = (typeof fuzzTargetNames)[number];

/** A target plus how to release what it started (processes, sockets). */
export type ClosableFuzzTarget = FuzzTarget & { close?: () => Promise<void> };

/**
 * Builds a target.
 * @throws Error when what it needs (the Accord document, the relay) is not available.
 */
export async function loadFuzzTarget(name: FuzzTargetName): Promise<ClosableFuzzTarget> {
  switch (name) {
    case 'applyUpdate':
      return applyUpdateTarget(await loadAccordCore());
    case 'relay': {
      if (!accordRelayAvailable())
        throw new Error(`the Accord relay is not built (${accordRelayMain()} missing)`);
      return relayTarget(await loadAccordCore());
    }
    case 'peer': {
      if (!accordRelayAvailable())
        throw new Error(`the Accord relay is not built (${accordRelayMain()} missing)`);
      return peerTarget(await loadAccordCore());
    }
  }
}
