/**
 * The results table in the suite's own format (its `bin/render-table.js`: one row per
 * `[B…] scenario (measure)`, one column per library, `ms`, `bytes` and `kB`/`MB` values), plus a
 * last column with Accord's value divided by Yjs's when both ran.
 */
import type { SuiteRow } from './measure.js';

const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

function metric(bytes: number): string {
  const prefixes = ['', 'k', 'M', 'G'];
  let n = bytes;
  let p = 0;
  while (n >= 1000 && p < prefixes.length - 1) {
    n /= 1000;
    p++;
  }
  return `${Math.round(n * 10) / 10} ${prefixes[p]}B`;
}

/** One cell: `12 ms` (one decimal below 10 ms), `6,031 bytes`, `919.9 kB`. */
export function formatValue(r: SuiteRow): string {
  if (r.measure === 'memUsed' || r.measure === 'heapPerDoc') return metric(r.value);
  if (r.unit === 'ms')
    return `${r.value < 10 ? fmt.format(Math.round(r.value * 10) / 10) : fmt.format(Math.round(r.value))} ms`;
  return `${fmt.format(r.value)} bytes`;
}

/** The markdown table of `rows` (any libraries, rows in first-seen order). */
export function formatSuiteTable(rows: readonly SuiteRow[], n: number): string {
  const libs: string[] = [];
  const versions = new Map<string, string>();
  const ids: string[] = [];
  const cells = new Map<string, Map<string, SuiteRow>>();
  for (const r of rows) {
    if (!libs.includes(r.lib)) libs.push(r.lib);
    versions.set(r.lib, r.version);
    let byLib = cells.get(r.id);
    if (byLib === undefined) {
      byLib = new Map();
      cells.set(r.id, byLib);
      ids.push(r.id);
    }
    byLib.set(r.lib, r);
  }
  const ratio = libs.includes('accord') && libs.includes('yjs');
  const head = [...libs, ...(ratio ? ['accord ÷ yjs'] : [])];
  const out = [`|N = ${n} | ${head.join(' | ')} |`, `| :- | ${head.map(() => '-:').join(' | ')} |`];
  const line = (label: string, values: string[]): string =>
    `|${label.padEnd(73)} | ${values.map((v) => v.padStart(16)).join(' | ')} |`;
  out.push(line('Version', [...libs.map((l) => versions.get(l) ?? ''), ...(ratio ? [''] : [])]));
  for (const id of ids) {
    const byLib = cells.get(id) as Map<string, SuiteRow>;
    const values = libs.map((l) => {
      const r = byLib.get(l);
      return r === undefined ? 'skipped' : formatValue(r);
    });
    if (ratio) {
      const a = byLib.get('accord');
      const y = byLib.get('yjs');
      values.push(
        a !== undefined && y !== undefined && y.value > 0 ? `${(a.value / y.value).toFixed(2)}×` : '',
      );
    }
    out.push(line(id, values));
  }
  return out.join('\n');
}
