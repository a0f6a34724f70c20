import type { ClientMessage } from '@accord/core/protocol';
import { ManualScheduler } from '@accord/core/testing';
import { describe, expect, it } from 'vitest';
import { CasError, CasRequests } from '../src/cas-requests.js';

function setup(timeoutMs = 1000) {
  const scheduler = new ManualScheduler();
  const sent: ClientMessage[] = [];
  const conn = { up: true, ready: true };
  const requests = new CasRequests(
    (m) => {
      if (!conn.up) return false;
      sent.push(m);
      return true;
    },
    () => conn.ready,
    scheduler,
    timeoutMs,
  );
  const last = () => {
    const m = sent.at(-1);
    if (m?.type !== 'cas') throw new Error('no cas sent');
    return m;
  };
  return { scheduler, sent, conn, requests, last };
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e instanceof CasError ? e.code : 'other';
  }
  return 'resolved';
};

describe('CasRequests', () => {
  it('sends a cas and resolves with the first done answer', async () => {
    const { requests, last } = setup();
    const p = requests.cas('lock', null, 'me');
    expect(last()).toMatchObject({ key: 'lock', expected: null, next: 'me' });
    requests.answer({ type: 'cas-result', id: last().id, status: 'done', ok: true, value: 'me' });
    await expect(p).resolves.toEqual({ ok: true, value: 'me' });
  });

  it('sends again after retry (nothing applied), and a request not yet sent after a reconnect', async () => {
    const { requests, last, sent, scheduler, conn } = setup(10_000);
    const p = requests.cas('k', null, 1);
    const first = last();
    requests.answer({ type: 'cas-result', id: first.id, status: 'retry', ok: false, value: null });
    expect(sent).toHaveLength(1);
    scheduler.advance(1000);
    expect(sent).toHaveLength(2);
    expect(last().opId).toBe(first.opId);
    requests.answer({ type: 'cas-result', id: first.id, status: 'retry', ok: false, value: null });
    // The connection drops while the resend waits: it was not in flight, so it goes on the next.
    conn.ready = false;
    requests.connectionLost();
    scheduler.advance(1000);
    expect(sent).toHaveLength(2); // not synced: nothing goes out
    conn.ready = true;
    requests.resend();
    expect(sent).toHaveLength(3);
    requests.answer({ type: 'cas-result', id: first.id, status: 'done', ok: false, value: 7 });
    await expect(p).resolves.toEqual({ ok: false, value: 7 });
    // later answers to the settled request change nothing
    requests.answer({ type: 'cas-result', id: first.id, status: 'done', ok: true, value: 1 });
  });

  it('fails with unknown when the outcome became uncertain, and never sends it again', async () => {
    const { requests, last, sent } = setup(10_000);
    const a = requests.cas('k', null, 1);
    requests.answer({ type: 'cas-result', id: last().id, status: 'unknown', ok: false, value: null });
    expect(await codeOf(a)).toBe('unknown');
    const b = requests.cas('k', null, 2);
    requests.connectionLost(); // b was in flight
    expect(await codeOf(b)).toBe('unknown');
    requests.resend();
    expect(sent).toHaveLength(2);
  });

  it('fails with typed errors: timeout, refused, invalid, destroyed', async () => {
    const { requests, last, scheduler } = setup(500);
    const timedOut = requests.cas('k', null, 1);
    scheduler.advance(500);
    expect(await codeOf(timedOut)).toBe('timeout');
    const refused = requests.cas('k', null, 1);
    requests.answer({ type: 'cas-result', id: last().id, status: 'refused', ok: false, value: null });
    expect(await codeOf(refused)).toBe('refused');
    expect(await codeOf(requests.cas('', null, 1))).toBe('invalid');
    expect(await codeOf(requests.cas('k', null, Number.NaN))).toBe('invalid');
    expect(await codeOf(requests.cas('k', null, 'x'.repeat(2000)))).toBe('invalid');
    const pending = requests.cas('k', null, 1);
    requests.destroy();
    expect(await codeOf(pending)).toBe('destroyed');
  });

  it('gives each operation its own id, unique across providers', () => {
    const one = setup();
    const two = setup();
    for (const { requests } of [one, two, one]) void requests.cas('k', null, 1).catch(() => {});
    const ids = [...one.sent, ...two.sent].map((m) => (m.type === 'cas' ? m.opId : ''));
    expect(new Set(ids).size).toBe(3);
    one.requests.destroy();
    two.requests.destroy();
  });
});
