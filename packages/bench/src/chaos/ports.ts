/**
 * Ports for chaos nodes. A killed node restarts on the same ports, so they must stay free while
 * it is down: ports from the kernel's ephemeral range (what listening on port 0 gives) can be
 * taken meanwhile as the local port of any outgoing connection on the machine, and the restart
 * then fails with EADDRINUSE. These ports come from below that range (Linux default 32768-60999),
 * where only an explicit bind can take them.
 */
import { createServer } from 'node:net';

const LOW = 20_000;
const HIGH = 32_000;
const taken = new Set<number>();

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A free loopback port outside the ephemeral range, not handed out before by this process.
 * Throws after 200 attempts (the range is then exhausted or blocked).
 */
export async function stablePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (taken.has(port)) continue;
    if (await tryListen(port)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port in 20000-32000');
}
