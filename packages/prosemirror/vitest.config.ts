import { accordProject } from '../../vitest.shared.js';

/**
 * Unit and property tests of the pure mapping (Node, no DOM), and browser tests that drive real
 * ProseMirror editors in a real Chromium. The test page is bundled once (global setup); browser
 * files run one at a time with generous, bounded timeouts.
 */
export default accordProject('prosemirror', {
  test: {
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
