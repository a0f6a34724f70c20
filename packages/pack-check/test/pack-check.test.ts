import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Report {
  ok: boolean;
  problems: string[];
  packages: { name: string; folder: string; tarball: string; files: number }[];
  examples: { where: string; ok: boolean }[];
  bins: { bin: string; ok: boolean }[];
  installMs: number;
  totalMs: number;
}

/** Every package a release publishes (the ones not marked private): its folder and name. */
function publishable(): { folder: string; name: string }[] {
  return readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      try {
        const pkg = JSON.parse(readFileSync(join(ROOT, 'packages', d.name, 'package.json'), 'utf8'));
        return pkg.private === true ? [] : [{ folder: d.name, name: pkg.name as string }];
      } catch {
        return [];
      }
    });
}

function packCheck(): Promise<Report> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [join(ROOT, 'scripts/pack-check.mjs'), '--json'],
      { cwd: ROOT, timeout: 400_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').at(-1) ?? '';
        try {
          done(JSON.parse(last) as Report);
        } catch {
          fail(new Error(`pack-check printed no report (${error?.message ?? ''}):\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

describe('published tarballs, installed outside the workspace', () => {
  it('pack cleanly, install, start their bins and run every README example', async () => {
    const report = await packCheck();
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const packages = publishable();
    const names = packages.map((p) => p.name).sort();
    expect(names).toEqual(expect.arrayContaining(['@accord/core', '@accord/client', '@accord/sync-server']));
    expect(report.packages.map((p) => p.name).sort()).toEqual(names);
    for (const { folder } of packages) {
      expect(report.examples.some((e) => e.where.startsWith(`packages/${folder}/README.md`) && e.ok)).toBe(
        true,
      );
    }
    expect(report.examples.every((e) => e.ok)).toBe(true);
    expect(report.bins).toContainEqual({ bin: 'accord-relay', ok: true });
  });
});
