import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/ops/metrics.js';
import { tallyCounter, tallyHistogram } from '../../src/ops/tally.js';

/** The value of an unlabelled counter in the registry's text exposition. */
async function counterValue(registry: Registry, name: string): Promise<number | undefined> {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('tallyCounter', () => {
  it('shows every increment at each read, and counts on between reads', async () => {
    const registry = new Registry();
    const t = tallyCounter({ name: 'x_total', help: 'x', registers: [registry] });
    expect(await counterValue(registry, 'x_total')).toBe(0);
    t.inc();
    t.inc(41);
    expect(await counterValue(registry, 'x_total')).toBe(42);
    expect(await counterValue(registry, 'x_total')).toBe(42);
    t.inc(8);
    const json = await registry.getMetricsAsJSON();
    expect(json.find((m) => m.name === 'x_total')?.values[0]?.value).toBe(50);
    t.inc();
    expect(await counterValue(registry, 'x_total')).toBe(51);
  });

  it("the relay's hot-path counters read as Prometheus counters with the node label", async () => {
    const m = createMetrics(7, false);
    m.updatesReceived.inc();
    m.updatesReceived.inc();
    m.updateBytes.inc(120);
    m.deliveries.inc(3);
    m.updatesAcked.inc();
    const text = await m.registry.metrics();
    expect(text).toContain('# TYPE accord_updates_received_total counter');
    expect(text).toContain('accord_updates_received_total{node="7"} 2');
    expect(text).toContain('accord_update_bytes_total{node="7"} 120');
    expect(text).toContain('accord_deliveries_total{node="7"} 3');
    expect(text).toContain('accord_updates_acked_total{node="7"} 1');
  });
});

/** The histogram `name`'s lines in the registry's text exposition, with the name replaced by `as`. */
async function histogramLines(registry: Registry, name: string, as: string): Promise<string[]> {
  const text = await registry.metrics();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}_`))
    .map((l) => as + l.slice(name.length));
}

describe('tallyHistogram', () => {
  const buckets = [0.001, 0.005, 0.01, 0.05, 0.1, 1];

  it('reads as the prom-client histogram fed the same values, read after read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.oneof(fc.constantFrom(...buckets, 0, 2, 1e-9), fc.double({ min: 0, max: 3, noNaN: true })),
            { maxLength: 40 },
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        async (rounds) => {
          const registry = new Registry();
          const plain = new Histogram({ name: 'plain_seconds', help: 'h', buckets, registers: [registry] });
          const tally = tallyHistogram({ name: 'tally_seconds', help: 'h', buckets, registers: [registry] });
          for (const values of rounds) {
            for (const v of values) {
              plain.observe(v);
              tally.observe(v);
            }
            const want = await histogramLines(registry, 'plain_seconds', 'h');
            const got = await histogramLines(registry, 'tally_seconds', 'h');
            // Bucket counts and the count exactly; the sum up to the order of float additions.
            const split = (lines: string[]) =>
              lines.map(
                (l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))] as const,
              );
            const w = split(want);
            const g = split(got);
            expect(g.map((x) => x[0])).toEqual(w.map((x) => x[0]));
            for (let i = 0; i < w.length; i++) {
              const [label, value] = w[i] as readonly [string, number];
              if (label.startsWith('h_sum'))
                expect((g[i] as readonly [string, number])[1]).toBeCloseTo(value, 9);
              else expect((g[i] as readonly [string, number])[1]).toBe(value);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('ignores non-finite values, counts on after a registry reset, and refuses unsorted buckets', async () => {
    const registry = new Registry();
    const t = tallyHistogram({ name: 'x_seconds', help: 'x', buckets: [0.1, 1], registers: [registry] });
    t.observe(Number.NaN);
    t.observe(Number.POSITIVE_INFINITY);
    t.observe(0.1);
    t.observe(5);
    let lines = await histogramLines(registry, 'x_seconds', 'x');
    expect(lines).toEqual([
      'x_bucket{le="0.1"} 1',
      'x_bucket{le="1"} 1',
      'x_bucket{le="+Inf"} 2',
      'x_sum 5.1',
      'x_count 2',
    ]);
    registry.resetMetrics();
    t.observe(0.5);
    lines = await histogramLines(registry, 'x_seconds', 'x');
    expect(lines).toEqual([
      'x_bucket{le="0.1"} 0',
      'x_bucket{le="1"} 1',
      'x_bucket{le="+Inf"} 1',
      'x_sum 0.5',
      'x_count 1',
    ]);
    expect(() => tallyHistogram({ name: 'y_seconds', help: 'y', buckets: [1, 0.5], registers: [] })).toThrow(
      RangeError,
    );
  });

  it("the relay's acknowledgement and commit histograms read as Prometheus histograms with the node label", async () => {
    const m = createMetrics(3, false);
    m.ackSeconds.observe(0.004);
    m.ackSeconds.observe(0.03);
    m.commitBatch.observe(40);
    m.commitSeconds.observe(0.0007);
    const text = await m.registry.metrics();
    expect(text).toContain('accord_commit_batch_size_bucket{le="50",node="3"} 1');
    expect(text).toContain('accord_commit_batch_size_sum{node="3"} 40');
    expect(text).toContain('accord_commit_seconds_bucket{le="0.001",node="3"} 1');
    expect(text).toContain('# TYPE accord_ack_seconds histogram');
    expect(text).toContain('accord_ack_seconds_bucket{le="0.005",node="3"} 1');
    expect(text).toContain('accord_ack_seconds_bucket{le="0.05",node="3"} 2');
    expect(text).toContain('accord_ack_seconds_count{node="3"} 2');
  });
});
