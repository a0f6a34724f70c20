/**
 * Runs once before the sync-server tests: make sure the relay CLI the process tests spawn is
 * built and current (a no-op after `pnpm build`), so parallel test files never race to build it.
 */
import { ensureBuilt } from './ensure-built.js';

export function setup(): void {
  ensureBuilt();
}
