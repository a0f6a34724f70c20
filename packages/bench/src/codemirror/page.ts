/**
 * The browser side of `pnpm bench:codemirror`, bundled by Vite and run in a real Chromium page.
 * For one library (Accord with `@accord/codemirror`, or Yjs with `y-codemirror.next`) it builds
 * the same document (`size` characters of seeded words in lines), then times:
 * - local: one keystroke dispatched to a bound CodeMirror view, which applies it to the view (state
 *   and DOM) and to the CRDT text, synchronously;
 * - remote: one keystroke typed on another replica, its update applied to the replica bound to a
 *   view, until that view shows it (CRDT apply + the binding's CodeMirror transaction + DOM).
 * Beside the whole keystroke, the parts the binding controls: the local CRDT transaction, and the
 * remote keystroke minus CodeMirror's own dispatch (CRDT apply plus the binding's conversion).
 * Typing happens in runs of 20 keystrokes at seeded positions, each run scrolled into view first;
 * a frame passes after every keystroke (as when a person types; `pace: 'burst'` skips it), outside
 * the timed region.
 */
import { accordCollab } from '@accord/codemirror';
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { yCollab } from 'y-codemirror.next';
import * as Y from 'yjs';

/** What one run measures. */
export interface RunOptions {
  readonly lib: 'accord' | 'yjs' | 'codemirror';
  /** Document size in characters. */
  readonly size: number;
  /** Timed keystrokes per path (after `warmup` untimed ones). */
  readonly keystrokes: number;
  readonly warmup: number;
  readonly seed: number;
  /**
   * `frame`: a frame passes after every keystroke (a person typing); `burst`: keystrokes of a
   * run back to back (key repeat, a paste of keystrokes), a frame only between runs.
   */
  readonly pace: 'frame' | 'burst';
}

/** Samples in milliseconds, and whether every view ended equal to its CRDT text. */
export interface RunResult {
  readonly lib: string;
  readonly chars: number;
  /** Whole local keystrokes (CodeMirror and the CRDT). */
  readonly local: number[];
  /** Of each local keystroke, the time inside the binding's CRDT transaction. */
  readonly localCrdt: number[];
  /** Whole remote keystrokes (CRDT apply, binding, CodeMirror). */
  readonly remote: number[];
  /** Of each remote keystroke, everything but CodeMirror's own dispatch (CRDT apply and binding). */
  readonly remoteBinding: number[];
  readonly ok: boolean;
  readonly crossOriginIsolated: boolean;
}

const RUN = 20;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'lorem',
  'ipsum',
  'dolor',
  'sit',
  'amet',
  'consensus',
  'replica',
  'merge',
  'text',
  'caret',
  'a',
];

/** `size` characters of seeded words, in lines of about 70 characters. */
export function makeText(size: number, seed: number): string {
  const random = mulberry32(seed);
  let out = '';
  let line = 0;
  while (out.length < size) {
    const word = WORDS[Math.floor(random() * WORDS.length)] as string;
    if (line + word.length > 70) {
      out += '\n';
      line = 0;
    } else if (line > 0) {
      out += ' ';
      line++;
    }
    out += word;
    line += word.length;
  }
  return out.slice(0, size);
}

const frame = (): Promise<void> => new Promise((ok) => requestAnimationFrame(() => ok()));

function mount(id: string): HTMLElement {
  const el = document.createElement('div');
  el.id = id;
  el.style.height = '400px';
  el.style.overflow = 'auto';
  document.body.append(el);
  return el;
}

/** Time spent inside calls of `method` on `target`, added to `clock.ms`. */
function timeCalls<T extends object>(target: T, method: keyof T, clock: { ms: number }): void {
  const original = target[method] as unknown as (...args: unknown[]) => unknown;
  (target as Record<keyof T, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      clock.ms += performance.now() - t0;
    }
  };
}

/** The two setups as the timing loops see them. */
interface Setup {
  /** Time spent in the local replica's CRDT transactions. */
  readonly crdtClock: { ms: number };
  /** The view that receives local keystrokes, and its CRDT text. */
  readonly localView: EditorView;
  localText(): string;
  /** Type one character on the other replica; returns a function that applies it to the bound one. */
  remoteKeystroke(at: number, ch: string): () => void;
  readonly remoteView: EditorView;
  remoteText(): string;
  destroy(): void;
}

function accordSetup(base: string): Setup {
  const source = new Doc();
  source.getText('t').insert(0, base);
  const snapshot = encodeStateAsUpdate(source);
  const local = new Doc();
  applyUpdate(local, snapshot);
  const remote = new Doc();
  applyUpdate(remote, snapshot);
  const view = (doc: Doc, parent: HTMLElement) =>
    new EditorView({
      parent,
      state: EditorState.create({ doc: base, extensions: [accordCollab(doc.getText('t'))] }),
    });
  const localView = view(local, mount('local'));
  const remoteView = view(remote, mount('remote'));
  let last: Uint8Array | undefined;
  source.on('update', (u) => {
    last = u;
  });
  const crdtClock = { ms: 0 };
  timeCalls(local, 'transact', crdtClock);
  return {
    crdtClock,
    localView,
    localText: () => local.getText('t').toString(),
    remoteView,
    remoteText: () => remote.getText('t').toString(),
    remoteKeystroke(at, ch) {
      source.getText('t').insert(at, ch);
      const update = last as Uint8Array;
      return () => applyUpdate(remote, update, 'remote');
    },
    destroy() {
      localView.destroy();
      remoteView.destroy();
    },
  };
}

function yjsSetup(base: string): Setup {
  const source = new Y.Doc();
  source.getText('t').insert(0, base);
  const snapshot = Y.encodeStateAsUpdate(source);
  const local = new Y.Doc();
  Y.applyUpdate(local, snapshot);
  const remote = new Y.Doc();
  Y.applyUpdate(remote, snapshot);
  const view = (doc: Y.Doc, parent: HTMLElement) =>
    new EditorView({
      parent,
      state: EditorState.create({ doc: base, extensions: [yCollab(doc.getText('t'), null)] }),
    });
  const localView = view(local, mount('local'));
  const remoteView = view(remote, mount('remote'));
  let last: Uint8Array | undefined;
  source.on('update', (u: Uint8Array) => {
    last = u;
  });
  const crdtClock = { ms: 0 };
  timeCalls(local, 'transact', crdtClock);
  return {
    crdtClock,
    localView,
    localText: () => local.getText('t').toString(),
    remoteView,
    remoteText: () => remote.getText('t').toString(),
    remoteKeystroke(at, ch) {
      source.getText('t').insert(at, ch);
      const update = last as Uint8Array;
      return () => Y.applyUpdate(remote, update, 'remote');
    },
    destroy() {
      localView.destroy();
      remoteView.destroy();
    },
  };
}

/** CodeMirror alone, no CRDT: the floor both bindings stand on. */
function plainSetup(base: string): Setup {
  const view = (parent: HTMLElement) => new EditorView({ parent, state: EditorState.create({ doc: base }) });
  const localView = view(mount('local'));
  const remoteView = view(mount('remote'));
  return {
    crdtClock: { ms: 0 },
    localView,
    localText: () => localView.state.doc.toString(),
    remoteView,
    remoteText: () => remoteView.state.doc.toString(),
    remoteKeystroke(at, ch) {
      return () => remoteView.dispatch({ changes: { from: at, insert: ch } });
    },
    destroy() {
      localView.destroy();
      remoteView.destroy();
    },
  };
}

async function scrollTo(view: EditorView, pos: number): Promise<void> {
  view.dispatch({ effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
  await frame();
}

/** Run one library's local and remote timings. */
export async function run(options: RunOptions): Promise<RunResult> {
  document.body.replaceChildren();
  const base = makeText(options.size, options.seed);
  const setup =
    options.lib === 'accord' ? accordSetup(base) : options.lib === 'yjs' ? yjsSetup(base) : plainSetup(base);
  const random = mulberry32(options.seed + 1);
  const total = options.warmup + options.keystrokes;
  const local: number[] = [];
  const localCrdt: number[] = [];
  const remote: number[] = [];
  const remoteBinding: number[] = [];
  const dispatchClock = { ms: 0 };
  timeCalls(setup.remoteView, 'dispatch', dispatchClock);
  try {
    // Local keystrokes.
    let pos = 0;
    for (let i = 0; i < total; i++) {
      const view = setup.localView;
      if (i % RUN === 0) {
        pos = Math.floor(random() * view.state.doc.length);
        view.dispatch({ selection: { anchor: pos }, userEvent: 'select' });
        await scrollTo(view, pos);
      }
      const ch = String.fromCharCode(97 + (i % 26));
      setup.crdtClock.ms = 0;
      const t0 = performance.now();
      view.dispatch({
        changes: { from: pos, insert: ch },
        selection: { anchor: pos + 1 },
        userEvent: 'input.type',
      });
      const t1 = performance.now();
      pos++;
      if (i >= options.warmup) {
        local.push(t1 - t0);
        localCrdt.push(setup.crdtClock.ms);
      }
      if (options.pace === 'frame') await frame();
    }
    // Remote keystrokes, with the bound view's caret parked somewhere else in the document.
    const view = setup.remoteView;
    view.dispatch({ selection: { anchor: Math.floor(view.state.doc.length / 3) } });
    for (let i = 0; i < total; i++) {
      if (i % RUN === 0) {
        pos = Math.floor(random() * view.state.doc.length);
        await scrollTo(view, pos);
      }
      const apply = setup.remoteKeystroke(pos, String.fromCharCode(65 + (i % 26)));
      dispatchClock.ms = 0;
      const t0 = performance.now();
      apply();
      const t1 = performance.now();
      pos++;
      if (i >= options.warmup) {
        remote.push(t1 - t0);
        remoteBinding.push(options.lib === 'codemirror' ? 0 : t1 - t0 - dispatchClock.ms);
      }
      if (options.pace === 'frame') await frame();
    }
    const ok =
      setup.localView.state.doc.toString() === setup.localText() &&
      setup.remoteView.state.doc.toString() === setup.remoteText() &&
      setup.localText().length === base.length + total &&
      setup.remoteText().length === base.length + total;
    return {
      lib: options.lib,
      chars: base.length,
      local,
      localCrdt,
      remote,
      remoteBinding,
      ok,
      crossOriginIsolated,
    };
  } finally {
    setup.destroy();
  }
}

declare global {
  interface Window {
    cmBench: { run: typeof run };
  }
}
window.cmBench = { run };
