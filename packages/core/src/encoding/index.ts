export { Decoder, decodeWith } from './decoder.js';
export { Encoder } from './encoder.js';
export { isWellFormedUtf16, loneSurrogateAt, utf8Length } from './utf16.js';
