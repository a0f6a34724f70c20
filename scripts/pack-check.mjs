#!/usr/bin/env node
// Packs every publishable package (every packages/*/package.json without "private": true),
// checks each tarball's contents and metadata, installs the tarballs into a fresh project in the
// temporary directory (outside the workspace), type-checks and runs the runnable examples of each
// package README (each must have one) and of the guides in docs/*.md against them, and checks
// every `bin` starts.
//
//   node scripts/pack-check.mjs [--json] [--keep]
//
// A runnable example is a ```ts or ```js block right after a `<!-- run -->` line. It runs as an
// ES module with Node, must exit 0 within 60 s (examples assert what they show), and when an
// `<!-- output -->` line and a ```text block follow it, must print exactly that text.
// Exit code 0 when every check passes, 1 otherwise; the last line (or the JSON) says what failed.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnableBlocks } from './readme-blocks.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPOSITORY = 'git+https://github.com/accord-crdt/accord.git';
const STEP_TIMEOUT_MS = 240_000;
const EXAMPLE_TIMEOUT_MS = 60_000;

const KNOWN = new Set(['--json', '--keep']);
const args = process.argv.slice(2);
for (const a of args) {
  if (!KNOWN.has(a)) {
    console.error(`pack-check: unknown flag ${a} (flags: --json, --keep)`);
    process.exit(2);
  }
}
const json = args.includes('--json');
const keep = args.includes('--keep');

const problems = [];
const report = { packages: [], examples: [], bins: [], installMs: 0, totalMs: 0, ok: false, problems };
const started = Date.now();
const log = (line) => {
  if (!json) console.log(line);
};

/** Runs a command with a time limit; resolves with its exit code and output (never rejects). */
function run(cmd, argv, options = {}) {
  const { cwd = ROOT, timeoutMs = STEP_TIMEOUT_MS, env = cleanEnv() } = options;
  return new Promise((done) => {
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ code: -1, stdout, stderr: `${stderr}${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The environment without the npm_* variables of a parent `pnpm run`, which would leak its config. */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, CI: 'true', ...extra };
}

/** pnpm 9 (the workspace's): the global one when it is 9.x, else through npx. */
function pnpmCommand() {
  const v = spawnSync('pnpm', ['--version'], { encoding: 'utf8', env: cleanEnv() });
  if (v.status === 0 && v.stdout.trim().startsWith('9.')) return ['pnpm'];
  return ['npx', '--yes', 'pnpm@9.15.9'];
}

/** Every packages/* directory whose package.json is not private. */
function publishablePackages() {
  const dirs = readdirSync(join(ROOT, 'packages'), { withFileTypes: true }).filter((d) => d.isDirectory());
  const out = [];
  for (const d of dirs) {
    const file = join(ROOT, 'packages', d.name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.private !== true) out.push({ dir: join(ROOT, 'packages', d.name), folder: d.name, pkg });
  }
  return out;
}

/** Metadata every published package carries. */
function checkMetadata({ folder, pkg, dir }) {
  const need = (cond, what) => {
    if (!cond) problems.push(`${pkg.name}: ${what}`);
  };
  need(typeof pkg.description === 'string' && pkg.description.length > 0, 'no description');
  need(pkg.license === 'MIT', 'license is not MIT');
  need(Array.isArray(pkg.keywords) && pkg.keywords.length > 0, 'no keywords');
  need(typeof pkg.homepage === 'string' && pkg.homepage.startsWith('https://'), 'no homepage');
  need(typeof pkg.bugs?.url === 'string', 'no bugs.url');
  need(
    pkg.repository?.type === 'git' &&
      pkg.repository.url === REPOSITORY &&
      pkg.repository.directory === `packages/${folder}`,
    'repository is not {type: git, url, directory}',
  );
  need(typeof pkg.engines?.node === 'string', 'no engines.node');
  need(typeof pkg.main === 'string' && typeof pkg.types === 'string', 'no main/types for older resolvers');
  need(typeof pkg.scripts?.prepack === 'string', 'no prepack script (it must build)');
  need(pkg.publishConfig?.access === 'public', 'publishConfig.access is not public');
  need(existsSync(join(dir, 'LICENSE')), 'no LICENSE file');
  need(existsSync(join(dir, 'README.md')), 'no README.md');
}

/** Every file a package.json points at: main, types, bin and each export condition. */
function pointedFiles(pkg) {
  const files = new Set();
  const add = (p) => {
    if (typeof p === 'string' && p.startsWith('./') && !p.includes('*')) files.add(p.slice(2));
  };
  add(pkg.main);
  add(pkg.types);
  for (const p of Object.values(typeof pkg.bin === 'string' ? { x: pkg.bin } : (pkg.bin ?? {}))) add(p);
  const walk = (v) => {
    if (typeof v === 'string') add(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(pkg.exports);
  return [...files];
}

/** Checks a tarball's file list and its rewritten package.json. */
async function checkTarball(name, tarball) {
  const list = await run('tar', ['tzf', tarball]);
  const files = list.stdout
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  const manifest = await run('tar', ['xzf', tarball, '-O', 'package/package.json']);
  let packed = {};
  try {
    packed = JSON.parse(manifest.stdout);
  } catch {
    problems.push(`${name}: tarball has no readable package.json`);
  }
  for (const f of files) if (f.endsWith('.tsbuildinfo')) problems.push(`${name}: tarball holds ${f}`);
  for (const f of ['LICENSE', 'README.md', 'package.json']) {
    if (!files.includes(f)) problems.push(`${name}: tarball lacks ${f}`);
  }
  for (const f of pointedFiles(packed)) if (!files.includes(f)) problems.push(`${name}: tarball lacks ${f}`);
  if (manifest.stdout.includes('workspace:')) problems.push(`${name}: tarball package.json keeps workspace:`);
  return { files, packed };
}

/** The version of `name` as linked into the workspace package at `dir`. */
function linkedVersion(dir, name) {
  return JSON.parse(readFileSync(join(ROOT, dir, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Versions of the helpers the examples need, as the workspace has them (so the store has them). */
function helperVersions() {
  const fromClient = createRequire(join(ROOT, 'packages/client/package.json'));
  const fromRoot = createRequire(join(ROOT, 'package.json'));
  const version = (req, name) =>
    JSON.parse(readFileSync(req.resolve(`${name}/package.json`), 'utf8')).version;
  return {
    ws: version(fromClient, 'ws'),
    '@types/ws': version(fromClient, '@types/ws'),
    // the codemirror package's peers, for its examples
    // (their exports hide package.json: read it where pnpm links it)
    '@codemirror/state': linkedVersion('packages/codemirror', '@codemirror/state'),
    '@codemirror/view': linkedVersion('packages/codemirror', '@codemirror/view'),
    // the prosemirror package's peers, for its examples
    ...Object.fromEntries(
      [
        'prosemirror-model',
        'prosemirror-state',
        'prosemirror-transform',
        'prosemirror-view',
        'prosemirror-schema-basic',
        'prosemirror-schema-list',
      ].map((name) => [name, linkedVersion('packages/prosemirror', name)]),
    ),
    typescript: version(fromRoot, 'typescript'),
    '@types/node': version(fromRoot, '@types/node'),
  };
}

/**
 * The workspace lockfile's version of every package it holds in one version only. The fresh
 * project is pinned to them, so it installs what CI tested and reuses the store's built copy of
 * better-sqlite3 (pnpm's side-effects cache is keyed by the whole dependency graph below it)
 * instead of compiling it for minutes.
 */
function lockedVersions() {
  const lines = readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8').split('\n');
  const start = lines.indexOf('packages:');
  const versions = new Map();
  for (let i = start + 1; i < lines.length && !/^\S/.test(lines[i]); i++) {
    const m = /^ {2}'?((?:@[^@/\s]+\/)?[^@\s']+)@([^(':\s]+)'?:$/.exec(lines[i]);
    if (!m || m[1].startsWith('@accord/')) continue;
    versions.set(m[1], (versions.get(m[1]) ?? new Set()).add(m[2]));
  }
  const pinned = {};
  for (const [name, set] of versions) {
    if (set.size === 1) {
      pinned[name] = [...set][0];
      continue;
    }
    // Several versions: pin each major line when only one version holds it.
    const byMajor = new Map();
    for (const v of set) byMajor.set(v.split('.')[0], [...(byMajor.get(v.split('.')[0]) ?? []), v]);
    for (const [major, list] of byMajor) {
      if (list.length === 1 && major !== '0') pinned[`${name}@^${major}`] = list[0];
    }
  }
  return pinned;
}

async function main() {
  const pnpm = pnpmCommand();
  const storePath = (await run(pnpm[0], [...pnpm.slice(1), 'store', 'path'])).stdout.trim();
  const work = mkdtempSync(join(tmpdir(), 'accord-pack-check-'));
  const tarballs = join(work, 'tarballs');
  const project = join(work, 'project');
  mkdirSync(tarballs);
  mkdirSync(join(project, 'examples'), { recursive: true });
  try {
    const packages = publishablePackages();
    const overrides = {};
    for (const p of packages) {
      checkMetadata(p);
      const t0 = Date.now();
      const before = new Set(readdirSync(tarballs));
      const packed = await run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', tarballs], {
        cwd: p.dir,
      });
      const tgz = readdirSync(tarballs).find((f) => !before.has(f) && f.endsWith('.tgz'));
      if (packed.code !== 0 || tgz === undefined) {
        problems.push(`${p.pkg.name}: pnpm pack failed: ${packed.stderr.slice(-500)}`);
        continue;
      }
      const tarball = join(tarballs, tgz);
      const { files } = await checkTarball(p.pkg.name, tarball);
      overrides[p.pkg.name] = `file:${tarball}`;
      report.packages.push({
        name: p.pkg.name,
        folder: p.folder,
        tarball: tgz,
        files: files.length,
        packMs: Date.now() - t0,
      });
      log(`packed ${p.pkg.name}: ${tgz}, ${files.length} files (${Date.now() - t0} ms)`);
    }

    // A fresh project outside the workspace: the tarballs, plus ws (the client's optional peer)
    // and TypeScript to type-check the examples against the packed .d.ts files.
    const helpers = helperVersions();
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify(
        {
          name: 'accord-pack-check',
          private: true,
          type: 'module',
          dependencies: { ...overrides, ...helpers },
          pnpm: { overrides: { ...lockedVersions(), ...overrides } },
        },
        null,
        2,
      )}\n`,
    );
    const t0 = Date.now();
    const install = await run(
      pnpm[0],
      [...pnpm.slice(1), 'install', '--prefer-offline', '--no-frozen-lockfile', '--store-dir', storePath],
      { cwd: project },
    );
    report.installMs = Date.now() - t0;
    log(`installed the tarballs in ${relative(tmpdir(), project)} (${report.installMs} ms)`);
    if (install.code !== 0) {
      problems.push(`install failed: ${install.stderr.slice(-1000)}${install.stdout.slice(-1000)}`);
      return;
    }

    // Every bin starts and answers --help.
    for (const p of packages) {
      for (const bin of Object.keys(
        typeof p.pkg.bin === 'string' ? { [p.pkg.name]: 1 } : (p.pkg.bin ?? {}),
      )) {
        const r = await run(join(project, 'node_modules', '.bin', bin), ['--help'], {
          cwd: project,
          timeoutMs: 30_000,
        });
        const ok = r.code === 0 && r.stdout.length > 0;
        report.bins.push({ bin, ok });
        if (!ok) problems.push(`${bin} --help exited ${r.code}: ${r.stderr.slice(-300)}`);
      }
    }

    // The examples of every package README (each needs one) and of the guides in docs/:
    // type-checked against the packed types, then run.
    const examples = [];
    const collect = (path, prefix, required) => {
      const where = relative(ROOT, path);
      const blocks = runnableBlocks(readFileSync(path, 'utf8'));
      if (required && blocks.length === 0) problems.push(`${where} has no <!-- run --> example`);
      blocks.forEach((b, n) => {
        if (b.error) problems.push(`${where}:${b.line}: ${b.error}`);
        else examples.push({ ...b, where: `${where}:${b.line}`, file: `${prefix}-${n + 1}` });
      });
    };
    for (const p of packages) {
      const readme = join(p.dir, 'README.md');
      if (existsSync(readme)) collect(readme, p.folder, true);
    }
    for (const f of readdirSync(join(ROOT, 'docs'))) {
      if (f.endsWith('.md')) collect(join(ROOT, 'docs', f), `docs-${f.replace(/\.md$/, '')}`, false);
    }
    for (const e of examples) writeFileSync(join(project, 'examples', `${e.file}.ts`), `${e.code}\n`);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          types: ['node'],
          outDir: 'out',
          rootDir: 'examples',
        },
        include: ['examples'],
      }),
    );
    const tsc = await run(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
      cwd: project,
    });
    if (tsc.code !== 0) problems.push(`README examples do not type-check:\n${tsc.stdout.slice(-3000)}`);
    for (const e of examples) {
      const t1 = Date.now();
      const r = await run(process.execPath, [join(project, 'out', `${e.file}.js`)], {
        cwd: project,
        timeoutMs: EXAMPLE_TIMEOUT_MS,
      });
      const outputOk = e.expected === null || r.stdout.trimEnd() === e.expected.trimEnd();
      const ok = r.code === 0 && outputOk;
      report.examples.push({ where: e.where, ok, ms: Date.now() - t1 });
      log(`example ${e.where}: ${ok ? 'ok' : 'FAILED'} (${Date.now() - t1} ms)`);
      if (r.code !== 0) problems.push(`${e.where} exited ${r.code}:\n${r.stderr.slice(-1500)}`);
      else if (!outputOk) problems.push(`${e.where} printed:\n${r.stdout}\nexpected:\n${e.expected}`);
    }
  } finally {
    report.totalMs = Date.now() - started;
    if (keep) report.dir = work;
    else rmSync(work, { recursive: true, force: true });
  }
}

await main().catch((e) => problems.push(`pack-check crashed: ${e?.stack ?? e}`));
report.ok = problems.length === 0;
if (json) console.log(JSON.stringify(report));
else {
  for (const p of problems) console.error(`problem: ${p}`);
  console.log(
    `${report.ok ? 'ok' : 'FAILED'}: ${report.packages.length} packages, ${report.examples.length} examples, ${problems.length} problems (${report.totalMs} ms)`,
  );
}
process.exit(report.ok ? 0 : 1);
