import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/ops/metrics.js';
import { tallyCounter } from '../../src/ops/tally.js';

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
