export { type Clock, RealScheduler, type Scheduler, type TimerHandle } from './scheduler.js';
