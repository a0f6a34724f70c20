import { describe, expect, it } from 'vitest';
import { UrlPool } from '../src/url-pool.js';

const urls = ['ws://127.0.0.1:1', 'ws://127.0.0.1:2', 'wss://example.test/x'];

describe('UrlPool', () => {
  it('starts at the URL the random draw picks', () => {
    expect(new UrlPool(urls, () => 0).current).toBe(urls[0]);
    expect(new UrlPool(urls, () => 0.5).current).toBe(urls[1]);
    expect(new UrlPool(urls, () => 0.99).current).toBe(urls[2]);
  });

  it('rotates through every URL and wraps around', () => {
    const pool = new UrlPool(urls, () => 0.5);
    expect([pool.rotate(), pool.rotate(), pool.rotate(), pool.rotate()]).toEqual([
      urls[2],
      urls[0],
      urls[1],
      urls[2],
    ]);
  });

  it('drops duplicates and keeps order', () => {
    const pool = new UrlPool([urls[0]!, urls[1]!, urls[0]!], () => 0);
    expect(pool.all).toEqual([urls[0], urls[1]]);
    expect(pool.size).toBe(2);
  });

  it('a single URL rotates onto itself', () => {
    const pool = new UrlPool([urls[0]!], () => 0.7);
    expect(pool.rotate()).toBe(urls[0]);
  });

  it('rejects an empty list, non-URLs and non-WebSocket schemes', () => {
    expect(() => new UrlPool([])).toThrow(TypeError);
    expect(() => new UrlPool(['not a url'])).toThrow(TypeError);
    expect(() => new UrlPool(['http://127.0.0.1:1'])).toThrow(/ws: or wss:/);
  });

  it('clamps a broken random source to the first URL', () => {
    expect(new UrlPool(urls, () => 1).current).toBe(urls[0]);
    expect(new UrlPool(urls, () => -3).current).toBe(urls[0]);
  });
});
