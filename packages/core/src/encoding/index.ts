export { Decoder, decodeWith } from './decoder.js';
export { Encoder } from './encoder.js';
