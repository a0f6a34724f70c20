import { CloseCode, ProtocolErrorCodes } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import { checkLiveness, closeReport, decideOnClose, relayErrorAction } from '../src/policy.js';

const facts = { authFailures: 0, maxAuthRetries: 2, refusedUpdate: false };

describe('decideOnClose', () => {
  it('retries transport faults, going-away, overload, timeouts and unknown codes', () => {
    for (const code of [1000, 1001, 1006, 1011, 4000, 4004, 4005, 4006, 4008, 4009, 4999]) {
      expect(decideOnClose({ ...facts, code }).fatal).toBe(false);
    }
  });

  it('allows maxAuthRetries consecutive auth refusals, then gives up', () => {
    for (const code of [CloseCode.authFailed, CloseCode.tokenExpired, CloseCode.forbidden]) {
      const first = decideOnClose({ ...facts, code });
      expect(first).toMatchObject({ fatal: false, authFailures: 1 });
      const second = decideOnClose({ ...facts, code, authFailures: 1 });
      expect(second).toMatchObject({ fatal: false, authFailures: 2 });
      expect(decideOnClose({ ...facts, code, authFailures: 2 })).toMatchObject({
        fatal: true,
        authFailures: 3,
      });
    }
    expect(decideOnClose({ ...facts, code: CloseCode.authFailed, maxAuthRetries: 0 }).fatal).toBe(true);
  });

  it('does not count other closes as auth failures', () => {
    expect(decideOnClose({ ...facts, code: 1006, authFailures: 2 }).authFailures).toBe(2);
  });

  it('is fatal for bad data, too big and unsupported version, unless the bad update was dropped', () => {
    expect(decideOnClose({ ...facts, code: CloseCode.badData }).fatal).toBe(true);
    expect(decideOnClose({ ...facts, code: CloseCode.tooBig }).fatal).toBe(true);
    expect(decideOnClose({ ...facts, code: CloseCode.unsupportedVersion }).fatal).toBe(true);
    expect(decideOnClose({ ...facts, code: CloseCode.badData, refusedUpdate: true }).fatal).toBe(false);
  });
});

describe('closeReport', () => {
  it('says nothing for a lost connection that is retried', () => {
    const decision = decideOnClose({ ...facts, code: 1006 });
    expect(closeReport(1006, '', decision, undefined)).toBeUndefined();
  });

  it('reports a lost connection that is not retried', () => {
    const decision = { name: 'unknown', fatal: true, authFailures: 0 } as const;
    expect(closeReport(1006, '', decision, undefined)?.code).toBe('connection-lost');
  });

  it("quotes the relay's last error, else the reason, else the code's name", () => {
    const code = CloseCode.authFailed;
    const decision = decideOnClose({ ...facts, code });
    const name = decision.name;
    expect(closeReport(code, 'bad token', decision, 'signature mismatch')).toEqual({
      code: 'auth-failed',
      message: `relay closed the connection (${code} ${name}): signature mismatch`,
    });
    expect(closeReport(code, 'bad token', decision, '')?.message).toBe(
      `relay closed the connection (${code} ${name}): bad token`,
    );
    expect(closeReport(code, '', decision, undefined)?.message).toBe(
      `relay closed the connection (${code} ${name}): ${name}`,
    );
  });
});

describe('checkLiveness', () => {
  const limits = { livenessTimeoutMs: 1000, ackTimeoutMs: 5000 };

  it('is alive while the relay talks and acks in time', () => {
    expect(checkLiveness(10_000, 9_500, [6_000, 9_000], limits)).toEqual({ alive: true });
    expect(checkLiveness(10_000, 9_500, [], limits)).toEqual({ alive: true });
  });

  it('is dead after livenessTimeoutMs of silence', () => {
    expect(checkLiveness(10_000, 9_000, [], limits)).toEqual({ alive: false, reason: 'silent', forMs: 1000 });
  });

  it('is dead when the oldest sent update waited ackTimeoutMs', () => {
    expect(checkLiveness(10_000, 9_900, [9_000, 5_000], limits)).toEqual({
      alive: false,
      reason: 'ack-timeout',
      forMs: 5000,
    });
  });
});

describe('relayErrorAction', () => {
  it('fails over on unavailable, drops refused updates, waits for the close on auth and size errors', () => {
    expect(relayErrorAction('unavailable')).toBe('failover');
    expect(relayErrorAction('bad-update')).toBe('discard-update');
    expect(relayErrorAction('read-only')).toBe('read-only');
    for (const code of ['auth-failed', 'token-expired', 'forbidden', 'bad-version', 'going-away'] as const) {
      expect(relayErrorAction(code)).toBe('await-close');
    }
    expect(relayErrorAction('rate-limited')).toBe('report');
    // Refused presence (over the relay's byte limits): the connection stays, nothing to wait for.
    expect(relayErrorAction('too-large')).toBe('report');
  });

  it('has an action for every protocol error code', () => {
    for (const code of ProtocolErrorCodes) expect(typeof relayErrorAction(code)).toBe('string');
  });
});
