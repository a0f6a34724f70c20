/**
 * The clock and timers the relay and the cluster run on: the one {@link Scheduler} interface of
 * `@accord/core`, re-exported here for the modules of this package. Tests and the election
 * simulator drive it with {@link ManualScheduler} in virtual time.
 */
export { type Clock, RealScheduler, type Scheduler, type TimerHandle } from '@accord/core';
export { ManualScheduler } from '@accord/core/testing';
