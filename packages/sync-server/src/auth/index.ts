export { DEFAULT_ALLOWED_ORIGINS, originMatcher } from './origins.js';
export {
  AuthError,
  type AuthErrorCode,
  type Grant,
  hmacVerifier,
  type MintOptions,
  mintToken,
  openVerifier,
  type TokenVerifier,
} from './tokens.js';
