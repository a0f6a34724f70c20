/** Causal delivery: the buffer that delivers messages after their dependencies, and its envelope codec. */
export {
  CausalBuffer,
  type CausalBufferOptions,
  type CausalMessage,
  type DotRange,
} from './causal-buffer.js';
export { decodeCausalMessage, encodeCausalMessage } from './causal-message.js';
