/** The trace-bench adapters by library name; each library is imported only when asked for. */
import type { TextAdapter, TraceLib } from './types.js';

export {
  competitorLibs,
  isPeerReplica,
  type PeerReplica,
  type TextAdapter,
  type TextReplica,
  type TraceLib,
  traceLibs,
} from './types.js';

/**
 * Loads the adapter of one library (imports only that library, so a worker process holds no
 * other library's code or memory).
 * @throws AccordUnavailableError for `accord` while `@accord/core` lacks the document API.
 */
export async function loadAdapter(lib: TraceLib): Promise<TextAdapter> {
  switch (lib) {
    case 'accord':
      return (await import('./accord.js')).createAccordAdapter();
    case 'yjs':
      return (await import('./yjs.js')).yjsAdapter;
    case 'automerge':
      return (await import('./automerge.js')).automergeAdapter;
    case 'json-joy':
      return (await import('./json-joy.js')).jsonJoyAdapter;
    case 'loro':
      return (await import('./loro.js')).loroAdapter;
  }
}
