export { type RandomSource, seededRandom } from './random.js';
export type { Clock, Scheduler, TimerHandle } from './scheduler.js';
export { ManualScheduler, RealScheduler } from './scheduler.js';
