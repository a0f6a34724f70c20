import { accordProject } from '../../vitest.shared.js';

/**
 * The demo's tests: unit tests of the text helpers, and browser tests that drive a real Chromium
 * against a real relay cluster. The demo is built once (global setup); browser test files run
 * one at a time (each starts its own cluster and browser) with generous, bounded timeouts.
 */
export default accordProject('demo-editor', {
  test: {
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
