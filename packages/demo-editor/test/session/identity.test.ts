import { describe, expect, it } from 'vitest';
import { cleanName, loadIdentity, MAX_NAME_LENGTH, USER_COLORS } from '../../src/session/identity.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    data,
  };
}

describe('identity', () => {
  it('makes a new identity once and remembers it', () => {
    const storage = memoryStorage();
    const first = loadIdentity(storage, () => 0.5);
    expect(USER_COLORS).toContain(first.color);
    expect(first.name.length).toBeGreaterThan(0);
    expect(loadIdentity(storage, () => 0.1)).toEqual(first);
  });

  it('replaces a corrupt or foreign stored identity', () => {
    for (const saved of ['{', '{"name":"x","color":"red"}', '[]']) {
      const identity = loadIdentity(memoryStorage({ 'accord-demo-identity': saved }), () => 0);
      expect(USER_COLORS).toContain(identity.color);
    }
  });

  it('cleans names: trims, collapses spaces, bounds length, never empty', () => {
    expect(cleanName('  Ada   Lovelace ', 'x')).toBe('Ada Lovelace');
    expect(cleanName('   ', 'fallback')).toBe('fallback');
    expect(cleanName('y'.repeat(100), 'x')).toHaveLength(MAX_NAME_LENGTH);
  });
});
