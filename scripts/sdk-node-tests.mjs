#!/usr/bin/env node
/**
 * `make test-sdk-node`: the official TypeScript SDK's own tests of its server side, run on
 * mcpforge. This script owns the whole yardstick: fetching the pinned SDK tarball from the npm
 * registry (cached, checked against its pinned integrity), taking its test files out, rewriting
 * their imports, running them with vitest, and printing the figures.
 *
 * Usage: node scripts/sdk-node-tests.mjs SCRATCH_PROJECT CACHE_DIR
 *   SCRATCH_PROJECT  the Node end-to-end scratch project (vitest, the official SDK and the
 *                    packed mcpforge installed: `make node-pack`)
 *   CACHE_DIR        where the pinned tarball is kept between runs (offline after the first)
 *
 * Each test file runs twice, with only its import lines rewritten. Its relative imports name
 * modules of the SDK's own package; those of the server side (SERVER_SIDE) go to mcpforge in
 * the `mcpforge` run and to the official SDK installed in the scratch project in the `official`
 * run, every other module (client, types, in-memory transport, stdio helpers: the test's peer)
 * to that official SDK in both. The `official` run is the control: it collects the yardstick's
 * tests, and a test failing there fails for the test's age, not for mcpforge.
 *
 * Exit status: 0 when the yardstick ran, whatever it counted; 1 when the harness itself broke
 * (tarball unobtainable or not the pinned one, nothing collected, the control not loading).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The pinned tarball. No release from 1.1.0 to 1.32.2 ships a test file, so none with
 * `McpServer` (there since 1.3.0): the SDK's tests stay out of the published package. The
 * newest 1.x tarball with tests is 1.0.4 (`*.test.js` files in `dist/`); of those, the server
 * transport's are the yardstick (its `dist/server/index.test.js` tests the low-level `Server`,
 * which mcpforge does not offer). A later tarball with tests is pinned here, with its files.
 */
const SDK = {
  name: '@modelcontextprotocol/sdk',
  version: '1.0.4',
  integrity: 'sha512-C+jw1lF6HSGzs7EZpzHbXfzz9rj9him4BaoumlTciW/IDDgIpweF/qiCWKlP02QKg5PPcgY6xY2WCt5y2tpYow==',
  /** The package folder its modules are resolved from (`import '../types.js'`). */
  root: 'dist',
  /** The test files, under `root`. */
  files: ['server/stdio.test.js'],
};

/**
 * The server side's modules (under `root`): `McpServer`, `ResourceTemplate`, `completable`,
 * the server transports and the Express helpers (scripts/sdk-node-examples.mjs rewrites the
 * same ones).
 */
export const SERVER_SIDE = new Set([
  'server/mcp.js',
  'server/completable.js',
  'server/express.js',
  'server/stdio.js',
  'server/streamableHttp.js',
  'server/webStandardStreamableHttp.js',
  'server/sse.js',
]);

/** The two runs: which package serves the server side. */
const RUNS = [
  { name: 'official', server: SDK.name },
  { name: 'mcpforge', server: 'mcpforge' },
];

/** `from '...'`, `import '...'` and `import('...')` with a relative specifier. */
export const RELATIVE_IMPORT = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.\.?\/[^'"]+)\2/g;

function fail(message) {
  console.error(`sdk-node: ${message}`);
  process.exit(1);
}

function run(command, args, options) {
  return spawnSync(command, args, { encoding: 'utf8', ...options });
}

function integrityOf(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** The pinned tarball in `cache`, fetched with `npm pack` unless a good copy is there. */
function tarball(cache) {
  const file = join(cache, `${SDK.name.replace('@', '').replace('/', '-')}-${SDK.version}.tgz`);
  if (existsSync(file) && integrityOf(file) === SDK.integrity) return file;
  rmSync(file, { force: true });
  mkdirSync(cache, { recursive: true });
  const packed = run('npm', ['pack', '--silent', '--pack-destination', cache, `${SDK.name}@${SDK.version}`], { cwd: cache });
  if (packed.status !== 0 || !existsSync(file)) fail(`npm pack ${SDK.name}@${SDK.version} failed:\n${packed.stderr}`);
  const got = integrityOf(file);
  if (got !== SDK.integrity) fail(`${file} is not the pinned tarball: integrity ${got}, pinned ${SDK.integrity}`);
  return file;
}

/** The specifier a test's relative import becomes in `runSpec`'s run. */
function rewrite(testFile, specifier, runSpec) {
  const module = posix.normalize(posix.join(posix.dirname(testFile), specifier));
  if (module.startsWith('../')) fail(`${testFile} imports ${specifier}, outside the package`);
  return `${SERVER_SIDE.has(module) ? runSpec.server : SDK.name}/${module}`;
}

/** Extracts the test files and writes each run's rewritten copy under `dir/<run>/`. */
function prepare(file, dir) {
  const extracted = join(dir, 'extracted');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(extracted, { recursive: true });
  const listed = new Set(run('tar', ['-tzf', file]).stdout.split('\n'));
  const members = SDK.files.map((f) => `package/${SDK.root}/${f}`);
  const missing = members.filter((m) => !listed.has(m));
  if (missing.length) fail(`the tarball lacks ${missing.join(', ')}`);
  // Their source maps too, where shipped (vitest reads the map a compiled file names).
  const maps = members.map((m) => `${m}.map`).filter((m) => listed.has(m));
  const untar = run('tar', ['-xzf', file, '-C', extracted, ...members, ...maps]);
  if (untar.status !== 0) fail(`extracting the test files failed: ${untar.stderr}`);
  for (const testFile of SDK.files) {
    const source = readFileSync(join(extracted, 'package', SDK.root, testFile), 'utf8');
    const map = join(extracted, 'package', SDK.root, `${testFile}.map`);
    for (const runSpec of RUNS) {
      const out = join(dir, runSpec.name, testFile);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, source.replace(RELATIVE_IMPORT, (_, head, quote, spec) => `${head}${quote}${rewrite(testFile, spec, runSpec)}${quote}`));
      if (existsSync(map)) copyFileSync(map, `${out}.map`);
    }
  }
  // As in the SDK's own runs: test, expect and the hooks as globals.
  const config = { test: { root: dir, include: RUNS.map((r) => `${r.name}/**/*.test.js`), globals: true, environment: 'node' } };
  writeFileSync(join(dir, 'vitest.config.mjs'), `export default ${JSON.stringify(config, null, 2)};\n`);
}

/** Runs vitest on the prepared files; its JSON report. */
function vitest(project, dir) {
  const report = join(dir, 'report.json');
  const bin = join(project, 'node_modules', '.bin', 'vitest');
  if (!existsSync(bin)) fail(`vitest is not installed in ${project} (make node-setup)`);
  const ran = run(bin, ['run', '--config', join(dir, 'vitest.config.mjs'), '--reporter=json', `--outputFile=${report}`], { cwd: project });
  if (!existsSync(report)) fail(`vitest wrote no report:\n${ran.stdout}${ran.stderr}`);
  return { report: JSON.parse(readFileSync(report, 'utf8')), output: `${ran.stdout}${ran.stderr}` };
}

/** Per run: test key (file and full name) to `{ status, message }`, and the files that did not load (to their error). */
function outcomes(report, dir) {
  const byRun = Object.fromEntries(RUNS.map((r) => [r.name, { tests: new Map(), broken: new Map() }]));
  for (const file of report.testResults) {
    const [runName, ...rest] = relative(dir, file.name).split(sep);
    const into = byRun[runName];
    if (!into) continue;
    const testFile = rest.join('/');
    if (file.assertionResults.length === 0) into.broken.set(testFile, firstLine(file.message));
    for (const t of file.assertionResults) {
      into.tests.set(`${testFile} > ${t.fullName}`, { status: t.status, message: firstLine(t.failureMessages?.[0]) });
    }
  }
  return byRun;
}

function firstLine(text) {
  return String(text ?? '').split('\n').find((l) => l.trim()) ?? '';
}

/** Passed, failed and skipped among the control's tests (a test missing from a run failed: its file did not load). */
function count(control, { tests, broken }) {
  const c = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const key of control.keys()) {
    const file = key.slice(0, key.indexOf(' > '));
    const t = tests.get(key) ?? { status: 'failed', message: `the file did not load: ${broken.get(file) ?? 'the test is missing'}` };
    if (t.status === 'passed') c.passed += 1;
    else if (t.status === 'failed') {
      c.failed += 1;
      c.failures.push(`${key}: ${t.message}`);
    } else c.skipped += 1;
  }
  return c;
}

function summary(name, c) {
  const ran = c.passed + c.failed;
  const pct = ran ? ((100 * c.passed) / ran).toFixed(1) : '0.0';
  return `  ${name.padEnd(30)} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (${pct}% of those run)`;
}

function main() {
  const [projectArg, cacheArg] = process.argv.slice(2);
  if (!projectArg || !cacheArg) fail('usage: sdk-node-tests.mjs SCRATCH_PROJECT CACHE_DIR');
  const project = resolve(projectArg);
  const dir = join(project, 'sdk-tests');
  const started = Date.now();
  prepare(tarball(resolve(cacheArg)), dir);
  const { report, output } = vitest(project, dir);
  const byRun = outcomes(report, dir);

  const control = byRun.official.tests;
  if (control.size === 0) fail(`the official run collected no test:\n${output}`);
  if (byRun.official.broken.size) fail(`the control did not load: ${[...byRun.official.broken].join('; ')}`);
  const official = JSON.parse(readFileSync(join(project, 'node_modules', SDK.name, 'package.json'), 'utf8')).version;
  const counts = { official: count(control, byRun.official), mcpforge: count(control, byRun.mcpforge) };

  console.log(`\nsdk-node: ${SDK.name}@${SDK.version}'s tests (${SDK.files.join(', ')}), server side on:`);
  console.log(summary(`the official SDK ${official}`, counts.official));
  console.log(summary('mcpforge', counts.mcpforge));
  for (const name of ['official', 'mcpforge']) {
    for (const f of counts[name].failures) console.log(`  failed on ${name}: ${f}`);
  }
  console.log(`sdk-node: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
