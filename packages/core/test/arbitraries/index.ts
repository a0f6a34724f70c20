/** Shared fast-check arbitraries for `@accord/core` tests. */
export * from './clock.js';
