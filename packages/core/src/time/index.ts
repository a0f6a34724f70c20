export {
  type Clock,
  RealScheduler,
  type RealSchedulerOptions,
  type Scheduler,
  type TimerHandle,
} from './scheduler.js';
