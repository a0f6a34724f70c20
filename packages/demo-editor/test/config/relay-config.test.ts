import { describe, expect, it } from 'vitest';
import { DEFAULT_RELAYS, loadRelayUrls, parseRelayList } from '../../src/config/relay-config.js';

const origin = 'http://127.0.0.1:5173';

describe('parseRelayList', () => {
  it('keeps ws and wss URLs, once each', () => {
    expect(parseRelayList(['ws://a:1', 'http://b', 'nope', 'wss://c/x', 'ws://a:1', 3])).toEqual([
      'ws://a:1',
      'wss://c/x',
    ]);
  });
});

describe('loadRelayUrls', () => {
  it('prefers ?relays= in the page URL', async () => {
    const urls = await loadRelayUrls({ search: '?relays=ws://127.0.0.1:1,ws://127.0.0.1:2', origin }, () => {
      throw new Error('must not fetch');
    });
    expect(urls).toEqual(['ws://127.0.0.1:1', 'ws://127.0.0.1:2']);
  });

  it('reads /config.json next', async () => {
    let asked = '';
    const urls = await loadRelayUrls({ search: '', origin }, async (url) => {
      asked = url;
      return { relays: ['ws://127.0.0.1:9'] };
    });
    expect(asked).toBe(`${origin}/config.json`);
    expect(urls).toEqual(['ws://127.0.0.1:9']);
  });

  it('falls back to the default cluster when the config is missing or malformed', async () => {
    expect(await loadRelayUrls({ search: '', origin }, () => Promise.reject(new Error('404')))).toEqual(
      DEFAULT_RELAYS,
    );
    expect(await loadRelayUrls({ search: '', origin }, async () => ({ relays: 'ws://x' }))).toEqual(
      DEFAULT_RELAYS,
    );
    expect(await loadRelayUrls({ search: '', origin }, async () => ({ relays: ['ftp://x'] }))).toEqual(
      DEFAULT_RELAYS,
    );
  });
});
