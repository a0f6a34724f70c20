import { accordProject } from '../../vitest.shared.js';

/**
 * Unit tests of the pure mapping code (Node, no DOM), and browser tests that drive real editors
 * in a real Chromium. The test page is bundled once (global setup); browser files run one at a
 * time with generous, bounded timeouts.
 */
export default accordProject('codemirror', {
  test: {
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
