import { accordProject } from '../../vitest.shared.js';

export default accordProject('sync-server', { test: { globalSetup: ['test/support/global-setup.ts'] } });
