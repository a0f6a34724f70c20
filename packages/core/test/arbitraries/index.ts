/** Shared fast-check arbitraries for `@accord/core` tests. */

export * from './causal.js';
export * from './clock.js';
export * from './op.js';
export * from './rich-text.js';
