/**
 * @accord/core/testing: deterministic helpers for testing code built on Accord (a seeded
 * in-memory network that drops, duplicates, delays and reorders messages).
 * @packageDocumentation
 */
export {};
