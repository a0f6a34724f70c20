import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ChaosProxy } from '../../src/chaos/proxy.js';
import { ProxyMesh } from '../../src/chaos/proxy-mesh.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An echo server on 127.0.0.1 that prefixes nothing; returns its port. */
async function echoServer(tag = ''): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.on('data', (d) => s.write(tag === '' ? d : Buffer.concat([Buffer.from(tag), d])));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  const a = server.address();
  return typeof a === 'object' && a !== null ? a.port : 0;
}

async function proxyTo(port: number): Promise<ChaosProxy> {
  const p = await ChaosProxy.start({ targetPort: port });
  cleanups.push(() => p.close());
  return p;
}

async function dial(port: number): Promise<Socket> {
  const s = connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  cleanups.push(() => {
    s.destroy();
  });
  await once(s, 'connect');
  return s;
}

/** Collect bytes from `s` until `n` bytes arrived or `ms` passed. */
function read(s: Socket, n: number, ms: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const done = () => {
      clearTimeout(t);
      s.off('data', onData);
      resolve(Buffer.concat(chunks));
    };
    const onData = (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= n) done();
    };
    const t = setTimeout(done, ms);
    s.on('data', onData);
  });
}

function closed(s: Socket, ms: number): Promise<boolean> {
  if (s.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

describe('ChaosProxy on real loopback sockets', () => {
  it('passes bytes both ways', async () => {
    const p = await proxyTo(await echoServer());
    const s = await dial(p.port);
    s.write('hello');
    expect((await read(s, 5, 2000)).toString()).toBe('hello');
    expect(p.connections).toBe(1);
    expect(p.forwardedBytes).toBe(10);
  });

  it('delays chunks and keeps their order under jitter', async () => {
    const p = await proxyTo(await echoServer());
    let seed = 1;
    p.setDelay(20, 30, () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    });
    const s = await dial(p.port);
    const t0 = performance.now();
    const expected: string[] = [];
    for (let i = 0; i < 100; i++) {
      const msg = `${String(i).padStart(3, '0')};`;
      expected.push(msg);
      s.write(msg);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    const got = await read(s, 400, 5000);
    expect(got.toString()).toBe(expected.join(''));
    // both directions are delayed: at least 2 x 20 ms for the round trip
    expect(performance.now() - t0).toBeGreaterThanOrEqual(39);
  });

  it('drop resets open connections and refuses new ones until healed', async () => {
    const p = await proxyTo(await echoServer());
    const s = await dial(p.port);
    p.setMode('drop');
    expect(await closed(s, 2000)).toBe(true);
    const s2 = connect({ host: '127.0.0.1', port: p.port });
    s2.on('error', () => {});
    expect(await closed(s2, 2000)).toBe(true);
    p.setMode('pass');
    const s3 = await dial(p.port);
    s3.write('ok');
    expect((await read(s3, 2, 2000)).toString()).toBe('ok');
  });

  it('blackhole holds connections silently; healing resets them and new ones pass', async () => {
    const p = await proxyTo(await echoServer());
    const s = await dial(p.port);
    p.setMode('blackhole');
    s.write('lost');
    expect((await read(s, 1, 150)).length).toBe(0);
    expect(s.destroyed).toBe(false);
    const held = await dial(p.port); // new connections are accepted but silent too
    held.write('x');
    expect((await read(held, 1, 100)).length).toBe(0);
    p.setMode('pass');
    expect(await closed(s, 2000)).toBe(true);
    expect(await closed(held, 2000)).toBe(true);
    const fresh = await dial(p.port);
    fresh.write('back');
    expect((await read(fresh, 4, 2000)).toString()).toBe('back');
  });

  it('closing the proxy resets its connections; a dead target closes the client side', async () => {
    const p = await ChaosProxy.start({ targetPort: await echoServer() });
    const s = await dial(p.port);
    await p.close();
    expect(await closed(s, 2000)).toBe(true);
    const nowhere = await proxyTo(1); // nothing listens on port 1
    const s2 = connect({ host: '127.0.0.1', port: nowhere.port });
    s2.on('error', () => {});
    expect(await closed(s2, 2000)).toBe(true);
  });
});

describe('ProxyMesh partitions', () => {
  it('cuts exactly the links between partition sets, one proxy per direction', async () => {
    const ports = new Map<number, number>();
    for (const id of [1, 2, 3]) ports.set(id, await echoServer(`${id}:`));
    const mesh = await ProxyMesh.start(ports);
    cleanups.push(() => mesh.close());
    expect(mesh.peersFlag(1)).toMatch(/^2@127\.0\.0\.1:\d+,3@127\.0\.0\.1:\d+$/);
    const talk = async (a: number, b: number): Promise<string> => {
      let s: Socket;
      try {
        s = await dial(mesh.proxy(a, b).port);
      } catch {
        return ''; // a dropped link resets the connection
      }
      s.write('x');
      const r = (await read(s, 3, 200)).toString();
      s.destroy();
      return r;
    };
    expect(await talk(1, 3)).toBe('3:x');
    mesh.partition([[1, 2], [3]]);
    expect(await talk(1, 2)).toBe('2:x');
    expect(await talk(2, 1)).toBe('1:x');
    expect(await talk(1, 3)).toBe('');
    expect(await talk(3, 2)).toBe('');
    mesh.heal();
    expect(await talk(3, 2)).toBe('2:x');
    mesh.setLink(2, 3, 'drop'); // one direction only
    expect(await talk(2, 3)).toBe('');
    expect(await talk(3, 2)).toBe('2:x');
    mesh.isolate(1);
    expect(await talk(2, 1)).toBe('');
    expect(await talk(2, 3)).toBe('3:x');
    expect(() => mesh.proxy(1, 1)).toThrow(RangeError);
  });
});
