import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { resolveWebSocket, type WebSocketConstructor } from '../src/socket.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('resolveWebSocket (ws is an optional peer dependency)', () => {
  it('uses the class passed in, even when a global one exists', () => {
    const given = WsWebSocket as unknown as WebSocketConstructor;
    vi.stubGlobal('WebSocket', class {});
    expect(resolveWebSocket(given)).toBe(given);
  });

  it('falls back to the global WebSocket (browsers, Node 22+)', () => {
    class GlobalSocket {}
    vi.stubGlobal('WebSocket', GlobalSocket);
    expect(resolveWebSocket(undefined)).toBe(GlobalSocket);
  });

  it('without either, throws a TypeError that says to install and pass ws', () => {
    vi.stubGlobal('WebSocket', undefined);
    expect(() => resolveWebSocket(undefined)).toThrow(TypeError);
    expect(() => resolveWebSocket(undefined)).toThrow(/npm install ws.*WebSocket option/);
  });
});
