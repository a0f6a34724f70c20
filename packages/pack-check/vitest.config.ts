import { accordProject } from '../../vitest.shared.js';

// Packing, installing and running the examples takes one to two minutes on a busy machine.
export default accordProject('pack-check', { test: { testTimeout: 420_000, hookTimeout: 60_000 } });
