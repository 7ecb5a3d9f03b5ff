// Writes the npm package of the native addon for one platform, the way packages with native
// addons are published (one package per platform, listed by the main package as optional
// dependencies, so npm installs only the one that matches):
//
//   node bindings-node/scripts/platform-package.mjs ADDON OUTDIR [PLATFORM]
//
// ADDON is the built addon (a .node file), OUTDIR receives `mcpforge-<platform>/` with its
// package.json, README.md and `mcpforge.<platform>.node`; PLATFORM defaults to this machine's.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { SUPPORTED, platformName, npmFields } = require('../lib/platform.js');
const main = require('../package.json');

const [addon, outdir, platform = platformName()] = process.argv.slice(2);
if (!addon || !outdir) {
  console.error('usage: platform-package.mjs ADDON OUTDIR [PLATFORM]');
  process.exit(2);
}
if (!SUPPORTED.includes(platform)) {
  console.error(`platform-package: ${platform} is not one of ${SUPPORTED.join(', ')}`);
  process.exit(2);
}
const name = `mcpforge-${platform}`;
const file = `mcpforge.${platform}.node`;
const dir = join(outdir, name);
mkdirSync(dir, { recursive: true });
copyFileSync(addon, join(dir, file));
const pkg = {
  name,
  version: main.version,
  description: `The native addon of mcpforge for ${platform} (installed by the mcpforge package)`,
  license: main.license,
  main: file,
  files: [file],
  ...npmFields(platform),
  engines: main.engines,
};
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  join(dir, 'README.md'),
  `# ${name}\n\nThe native addon of the \`mcpforge\` package for ${platform}. ` +
    'Install `mcpforge`, which depends on it; this package is not used on its own.\n',
);
console.log(dir);
