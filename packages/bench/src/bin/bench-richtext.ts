/**
 * `pnpm bench:richtext [trace ...] [--every 250] [--seed 1] [--runs 5] [--warmup 1] [--json]`: a
 * rich-text trace (`richtext/rich-trace.ts`, generated from each plain trace: automerge-paper and
 * seph-blog1 by default, `synthetic` or `gen:<kind>[:<edits>[:<seed>]]` (as bench:trace) for
 * generated ones; one formatting action per `--every` keystrokes, by default the density of the
 * documents' own markup, 40 for the stress load) replayed in one process into Accord (rich), Accord (the same edits without
 * formatting), Yjs (rich) and Yjs (plain), taking turns run by run after `--warmup` untimed
 * rounds; medians of `--runs`. The order alternates between two (`ORDERS`) so that both Accord
 * variants follow the same runs: a fixed order let Accord plain always follow Accord rich, which
 * had just compiled the code both use, while Accord rich always followed a Yjs replay. Each run
 * starts with a forced GC, and each variant's last document stays open meanwhile (see the loop).
 *
 * Reports per variant: apply ms, encoded bytes (Accord `encodeStateAsUpdate`; Yjs
 * `encodeStateAsUpdateV2`, with V1 beside), load ms (fresh document + `toDelta()`), and whether the
 * content is right: Accord's and Yjs's `toDelta()` equal each other and the generator's expected
 * formatting, after the replay and after the load. Then the issue's targets: rich apply ≤ 1.5× and
 * size ≤ 1.2× Accord plain, apply ≤ 0.25× and size ≤ 1× Yjs (V2) on the rich trace.
 *
 * Exit 1 when a content check fails, 2 on a bad flag.
 */
import { parseArgs } from 'node:util';
import { intFlag, runMain, UsageError } from '../cli/args.js';
import {
  firstDifference,
  type RichRun,
  type RichVariant,
  replayRich,
  sameDelta,
} from '../richtext/replay-rich.js';
import { REALISTIC_EVERY, richTrace } from '../richtext/rich-trace.js';
import type { RichTrace } from '../richtext/rich-trace-types.js';
import { median, round } from '../stats/summary.js';
import { collect } from '../trace/replay.js';
import { syntheticTrace } from '../trace/synthetic.js';
import { type EditingTrace, loadAnyTrace, loadTrace, resolveTracePath } from '../trace/trace-file.js';

const VARIANTS: readonly RichVariant[] = ['accord', 'accord-plain', 'yjs', 'yjs-plain'];

/**
 * The order of the runs in even and odd rounds: each Accord run right after a Yjs one, the rich
 * Yjs replay (seconds of allocation, many collections) before Accord rich in one round and before
 * Accord plain in the next, so that what a run inherits from the one before is the same for both
 * Accord variants over two rounds (and for both Yjs variants).
 */
const ORDERS: readonly (readonly RichVariant[])[] = [
  ['yjs', 'accord', 'yjs-plain', 'accord-plain'],
  ['yjs', 'accord-plain', 'yjs-plain', 'accord'],
];

/** One variant's medians (a JSON line of `--json`). */
interface RichResult {
  trace: string;
  variant: RichVariant;
  steps: number;
  formats: number;
  attributedInserts: number;
  applyMs: number;
  bytes: number;
  bytesV1: number | null;
  loadMs: number;
  ok: boolean;
  runs: number;
}

function plainTrace(name: string, seed: number): EditingTrace {
  if (name === 'synthetic') return syntheticTrace(50_000, seed);
  if (name.startsWith('gen:')) {
    const t = loadAnyTrace(name);
    if ('kind' in t)
      throw new UsageError(`${name}: a concurrent trace; bench:richtext replays sequential ones`);
    return t;
  }
  return loadTrace(resolveTracePath(name));
}

/** Whether a run's content is right (see the module comment); a reason when not. */
function check(run: RichRun, trace: RichTrace, rich: boolean): string | null {
  if (run.text !== trace.endContent) return 'text differs from endContent';
  if (!rich) return null;
  const want = trace.endDelta as RichRun['delta'];
  if (!sameDelta(run.delta, want)) return `delta: ${firstDifference(run.delta, want)}`;
  if (!sameDelta(run.loadedDelta, want)) return `loaded delta: ${firstDifference(run.loadedDelta, want)}`;
  return null;
}

runMain(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      every: { type: 'string' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const every = intFlag('every', values.every, REALISTIC_EVERY);
  const seed = intFlag('seed', values.seed, 1);
  const runs = intFlag('runs', values.runs, 5);
  const warmup = values.warmup === '0' ? 0 : intFlag('warmup', values.warmup, 1);
  const json = values.json === true;
  const names = positionals.length > 0 ? positionals : ['automerge-paper', 'seph-blog1'];
  let failed = false;
  for (const name of names) {
    const trace = richTrace(plainTrace(name, seed), { seed, every });
    const samples = new Map<RichVariant, RichRun[]>(VARIANTS.map((v) => [v, []]));
    const errors = new Map<RichVariant, string>();
    // Each variant's last replayed document stays alive through the next runs, as an open
    // document does in an application: the forced GC before each run would otherwise find no
    // live object of the library's shapes and discard the code optimized for them, so every run
    // would start from the interpreter, which no running editor does.
    const open = new Map<RichVariant, unknown>();
    for (let r = 0; r < warmup + runs; r++) {
      for (const v of ORDERS[r % 2] as readonly RichVariant[]) {
        collect();
        const run = replayRich(trace, v);
        open.set(v, run.document);
        run.document = null;
        const why = check(run, trace, v === 'accord' || v === 'yjs');
        if (why !== null && !errors.has(v)) errors.set(v, why);
        if (r >= warmup) (samples.get(v) as RichRun[]).push(run);
        if (!json) process.stderr.write('.');
      }
    }
    if (!json) process.stderr.write('\n');
    const results: RichResult[] = VARIANTS.map((v) => {
      const xs = samples.get(v) as RichRun[];
      return {
        trace: name,
        variant: v,
        steps: trace.steps.length,
        formats: trace.stats.formats,
        attributedInserts: trace.stats.attributedInserts,
        applyMs: round(median(xs.map((x) => x.applyMs)), 1),
        bytes: (xs[0] as RichRun).bytes,
        bytesV1: (xs[0] as RichRun).bytesV1,
        loadMs: round(median(xs.map((x) => x.loadMs)), 1),
        ok: !errors.has(v),
        runs: xs.length,
      };
    });
    for (const [v, why] of errors) {
      failed = true;
      process.stderr.write(`${name} ${v}: ${why}\n`);
    }
    const by = (v: RichVariant): RichResult => results.find((r) => r.variant === v) as RichResult;
    const rich = by('accord');
    const plain = by('accord-plain');
    const yjs = by('yjs');
    const ratios = {
      trace: name,
      every,
      seed,
      richVsPlainApply: round(rich.applyMs / plain.applyMs, 2),
      richVsPlainBytes: round(rich.bytes / plain.bytes, 3),
      vsYjsApply: round(rich.applyMs / yjs.applyMs, 3),
      vsYjsV2Bytes: round(rich.bytes / yjs.bytes, 3),
      vsYjsV1Bytes: round(rich.bytes / (yjs.bytesV1 as number), 3),
    };
    const met = {
      richApply: ratios.richVsPlainApply <= 1.5,
      richSize: ratios.richVsPlainBytes <= 1.2,
      yjsApply: ratios.vsYjsApply <= 0.25,
      yjsSize: ratios.vsYjsV2Bytes <= 1,
    };
    if (json) {
      for (const r of results) console.log(JSON.stringify(r));
      console.log(JSON.stringify({ ...ratios, met }));
      continue;
    }
    const s = trace.stats;
    console.log(
      `\n${name}: ${s.keystrokes} keystrokes, ${s.formats} formats (bold/italic ${s.boldItalic}, unformat ${s.unformat}, links ${s.links}, comments ${s.comments}), ${s.typingRuns} typing runs, ${s.attributedInserts} inserts with attributes; every ${every}, seed ${seed}, ${runs} runs`,
    );
    console.log('| variant | apply ms | bytes | Yjs V1 bytes | load ms | ok |');
    console.log('| --- | ---: | ---: | ---: | ---: | --- |');
    for (const r of results)
      console.log(
        `| ${r.variant} | ${r.applyMs} | ${r.bytes} | ${r.bytesV1 ?? '–'} | ${r.loadMs} | ${r.ok ? 'yes' : 'NO'} |`,
      );
    console.log(
      `rich/plain apply ${ratios.richVsPlainApply}× (≤ 1.5 ${met.richApply ? 'met' : 'NOT met'}), size ${ratios.richVsPlainBytes}× (≤ 1.2 ${met.richSize ? 'met' : 'NOT met'}); vs Yjs apply ${ratios.vsYjsApply}× (≤ 0.25 ${met.yjsApply ? 'met' : 'NOT met'}), size ${ratios.vsYjsV2Bytes}× V2 (≤ 1 ${met.yjsSize ? 'met' : 'NOT met'}), ${ratios.vsYjsV1Bytes}× V1`,
    );
  }
  return failed ? 1 : 0;
});
