/**
 * Operation-based (prepare/effect) CRDTs and the replica runtime that delivers their ops through
 * the causal buffer.
 */
export { OpCounter, type OpCounterOp } from './op-counter.js';
export { type OpCrdt, OpTag, opFromBytes, opToBytes } from './op-crdt.js';
export { OpLWWRegister, type OpLWWSet } from './op-lww-register.js';
export { OpMVRegister, type OpMVSet } from './op-mv-register.js';
export { OpORSet, type OpORSetAdd, type OpORSetOp, type OpORSetRemove } from './op-or-set.js';
export { type OpOf, OpReplica, type OpReplicaOptions } from './op-replica.js';
