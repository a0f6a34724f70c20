import { describe, expect, it } from 'vitest';
import { Admission, addressKey } from '../../src/transport/admission.js';

const limits = { maxConnections: 2, maxPending: 3, maxPendingPerAddress: 2 };

describe('Admission', () => {
  it('caps pending sockets per address; other addresses are unaffected', () => {
    const a = new Admission<string>(limits);
    expect(a.admit('x1', '10.0.0.1')).toEqual({ ok: true, evicted: undefined });
    expect(a.admit('x2', '10.0.0.1')).toEqual({ ok: true, evicted: undefined });
    expect(a.admit('x3', '10.0.0.1')).toEqual({ ok: false, reason: 'pending-address' });
    expect(a.admit('y1', '10.0.0.2').ok).toBe(true);
    a.release('x1');
    expect(a.admit('x3', '10.0.0.1').ok).toBe(true);
    expect(a.pendingOf('10.0.0.1')).toBe(2);
  });

  it('evicts the oldest pending socket when the pending budget is full, never refuses', () => {
    const a = new Admission<string>({ ...limits, maxPendingPerAddress: 0 });
    for (const s of ['s1', 's2', 's3']) a.admit(s, 'attacker');
    expect(a.admit('honest', 'home')).toEqual({ ok: true, evicted: 's1' });
    expect(a.isPending('s1')).toBe(false);
    expect(a.pendingCount).toBe(3);
    expect(a.admit('next', 'attacker')).toEqual({ ok: true, evicted: 's2' });
  });

  it('moves a socket to the connection budget once authenticated; pending sockets never fill it', () => {
    const a = new Admission<string>(limits);
    a.admit('a', 'h1');
    a.admit('b', 'h2');
    expect(a.authenticate('a')).toBe(true);
    expect(a.authenticate('a')).toBe(true);
    expect(a.pendingCount).toBe(1);
    expect(a.connectionCount).toBe(1);
    expect(a.pendingOf('h1')).toBe(0);
    expect(a.authenticate('b')).toBe(true);
    // The connection budget is full: upgrades are refused, a pending socket cannot authenticate.
    expect(a.admit('c', 'h3')).toEqual({ ok: false, reason: 'connections' });
    a.release('b');
    a.admit('c', 'h3');
    a.admit('d', 'h4');
    expect(a.authenticate('c')).toBe(true);
    expect(a.authenticate('d')).toBe(false);
    expect(a.isPending('d')).toBe(true);
    expect(a.authenticate('unknown')).toBe(false);
  });

  it('counts a socket of an exempt address (null) in total only', () => {
    const a = new Admission<string>(limits);
    expect(a.admit('p1', null).ok).toBe(true);
    expect(a.admit('p2', null).ok).toBe(true);
    expect(a.admit('p3', null)).toEqual({ ok: true, evicted: undefined });
    expect(a.admit('p4', null)).toEqual({ ok: true, evicted: 'p1' });
    expect(a.authenticate('p2')).toBe(true);
    a.release('p3');
    expect(a.pendingCount).toBe(1);
  });

  it('release is idempotent and forgets evicted sockets', () => {
    const a = new Admission<string>(limits);
    a.admit('a', 'h');
    a.release('a');
    a.release('a');
    expect(a.pendingCount).toBe(0);
    expect(a.pendingOf('h')).toBe(0);
    expect(a.authenticate('a')).toBe(false);
  });
});

describe('addressKey', () => {
  it('keys IPv4 by address, IPv4-mapped IPv6 as IPv4, IPv6 by its /64', () => {
    expect(addressKey('127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0DB8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey(undefined)).toBe('?');
    // Not an address this parser knows: its own key, never a throw.
    expect(addressKey('1:2:3')).toBe('1:2:3');
    expect(addressKey('1::2::3')).toBe('1::2::3');
  });
});
