/**
 * A full garbage collection on demand, for a load generator that must not pause in the middle of
 * what it times.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null = null;

/**
 * Run two full garbage collections now, whether or not node was started with `--expose-gc`
 * (without it, the flag is set at run time and V8's `gc` is taken from a fresh context).
 */
export function fullGc(): void {
  if (collect === null) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed !== undefined) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
  collect();
}
