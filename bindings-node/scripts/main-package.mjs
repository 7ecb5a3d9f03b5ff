// Writes the main npm package `mcpforge` as it is published: the JavaScript and types of
// bindings-node/lib, with one optional dependency per platform package (see
// platform-package.mjs), so that npm installs the addon that matches the machine and no other.
//
//   node bindings-node/scripts/main-package.mjs OUTDIR
//
// OUTDIR receives `mcpforge/`. The package in the repository itself has no such dependencies:
// a checkout loads the addon it built next to the package.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { SUPPORTED } = require('../lib/platform.js');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const [outdir] = process.argv.slice(2);
if (!outdir) {
  console.error('usage: main-package.mjs OUTDIR');
  process.exit(2);
}
const dir = join(outdir, 'mcpforge');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
cpSync(join(root, 'lib'), join(dir, 'lib'), { recursive: true });
cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
delete pkg.scripts;
delete pkg.devDependencies;
pkg.files = ['bin/', 'lib/'];
pkg.optionalDependencies = Object.fromEntries(SUPPORTED.map((p) => [`mcpforge-${p}`, pkg.version]));
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
cpSync(join(root, '..', 'docs', 'node.md'), join(dir, 'README.md'));
console.log(dir);
