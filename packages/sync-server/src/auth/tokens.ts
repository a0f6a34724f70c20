/**
 * Per-document access tokens: HS256 JWTs signed with the relay's secret, carrying the document
 * (`doc`, `*` for every document), the scope (`read` or `write`) and a required expiry. Verified
 * with `jose` before the relay sends any byte of the document.
 */
import { describeDocIdProblem, docIdProblem, type Scope } from '@accord/core/protocol';
import { errors, jwtVerify, SignJWT } from 'jose';

/**
 * Why a token was refused; maps to the protocol's error and close codes: `auth-failed` (4001),
 * `token-expired` (4002), `forbidden` (4003), `malformed` (1007, bad data: the token's document
 * claim, or the document asked for, is not a valid document id, e.g. holds a lone surrogate).
 */
export type AuthErrorCode = 'auth-failed' | 'token-expired' | 'forbidden' | 'malformed';

/** Thrown by {@link TokenVerifier.verify} when a token does not grant access. */
export class AuthError extends Error {
  readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string) {
    super(message);
    this.name = 'AuthError';
    this.code = code;
  }
}

/** What a verified token grants. */
export interface Grant {
  readonly docId: string;
  readonly scope: Scope;
  /** Expiry, seconds since the epoch. */
  readonly expiresAt: number;
}

/** Options of {@link mintToken}. */
export interface MintOptions {
  /** The document, or `'*'` for every document. */
  readonly docId: string;
  readonly scope: Scope;
  /** Lifetime in seconds (default one hour). Negative values mint an already expired token (tests). */
  readonly ttlSeconds?: number;
  /** Current time in seconds (default now). */
  readonly now?: number;
}

function keyOf(secret: string): Uint8Array {
  if (secret.length < 16) throw new RangeError('the auth secret must be at least 16 characters');
  return new TextEncoder().encode(secret);
}

/**
 * Sign a token for `docId` with `secret` (at least 16 characters). For tests, dev and token services.
 * Throws `RangeError` for a short secret or a `docId` that is neither `'*'` nor a valid document id.
 */
export async function mintToken(secret: string, options: MintOptions): Promise<string> {
  const problem = options.docId === '*' ? null : docIdProblem(options.docId);
  if (problem !== null) throw new RangeError(`cannot mint a token: ${describeDocIdProblem(problem)}`);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const exp = now + (options.ttlSeconds ?? 3600);
  return new SignJWT({ doc: options.docId, scope: options.scope })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(Math.min(now, exp))
    .setExpirationTime(exp)
    .sign(keyOf(secret));
}

/** Decides whether a token grants a document. */
export interface TokenVerifier {
  /** `true` when every client is let in with write access (`--auth none`). */
  readonly open: boolean;
  /**
   * Check `token` for `docId`. Resolves with the grant, rejects with {@link AuthError}
   * (`auth-failed`: missing, malformed or badly signed; `token-expired`; `forbidden`: another
   * document or an unknown scope; `malformed`: `docId` or the token's document claim is not a
   * valid document id). Never rejects with anything else.
   */
  verify(token: string, docId: string): Promise<Grant>;
}

/**
 * A verifier for HS256 tokens signed with `secret`; `clockToleranceSeconds` absorbs clock skew
 * (default 5). Expiry is checked against `wallClock` (milliseconds since the epoch; default
 * `Date.now`), the relay's injected wall clock when the node builds it.
 */
export function hmacVerifier(
  secret: string,
  clockToleranceSeconds = 5,
  wallClock: () => number = Date.now,
): TokenVerifier {
  const key = keyOf(secret);
  return {
    open: false,
    async verify(token: string, docId: string): Promise<Grant> {
      if (docIdProblem(docId) !== null) throw new AuthError('malformed', 'invalid document id');
      if (token.length === 0) throw new AuthError('auth-failed', 'no token');
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          requiredClaims: ['exp'],
          clockTolerance: clockToleranceSeconds,
          currentDate: new Date(wallClock()),
        }));
      } catch (e) {
        if (e instanceof errors.JWTExpired) throw new AuthError('token-expired', 'token expired');
        throw new AuthError('auth-failed', 'token does not verify');
      }
      const scope = payload.scope;
      const doc = payload.doc ?? payload.sub;
      if (scope !== 'read' && scope !== 'write') throw new AuthError('forbidden', 'token has no valid scope');
      // JSON escapes can carry a lone surrogate ("\ud800"), which no hello can name.
      if (typeof doc === 'string' && doc !== '*' && docIdProblem(doc) !== null)
        throw new AuthError('malformed', 'the token names an invalid document id');
      if (typeof doc !== 'string' || (doc !== '*' && doc !== docId)) {
        throw new AuthError('forbidden', 'token is for another document');
      }
      return { docId, scope, expiresAt: typeof payload.exp === 'number' ? payload.exp : 0 };
    },
  };
}

/** A verifier that admits everyone with write access. Development only. */
export function openVerifier(): TokenVerifier {
  return {
    open: true,
    async verify(_token: string, docId: string): Promise<Grant> {
      if (docIdProblem(docId) !== null) throw new AuthError('malformed', 'invalid document id');
      return { docId, scope: 'write', expiresAt: Number.MAX_SAFE_INTEGER };
    },
  };
}
