import { accordProject } from '../../vitest.shared.js';

export default accordProject('test-browser');
