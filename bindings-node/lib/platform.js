/**
 * The platform names of the native addon's packages (napi-rs's naming: `linux-x64-gnu`,
 * `darwin-arm64`, `win32-x64-msvc`, ...): which one this process needs, and which are
 * published. Used by the loader (`native.js`) and by the packaging scripts.
 */
'use strict';

const fs = require('node:fs');

/** The platforms a package is published for. */
const SUPPORTED = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc'];

/** Whether this Linux process runs on musl rather than glibc. */
function isMusl() {
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  if (report?.header) {
    return !report.header.glibcVersionRuntime;
  }
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    return false;
  }
}

/** This process's platform, named as the packages are. */
function platformName() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  }
  if (platform === 'win32') {
    return `win32-${arch}-msvc`;
  }
  return `${platform}-${arch}`;
}

/** What npm's `os`, `cpu` and `libc` fields say for a platform name. */
function npmFields(name) {
  const [os, cpu, abi] = name.split('-');
  const fields = { os: [os], cpu: [cpu] };
  if (os === 'linux') {
    fields.libc = [abi === 'musl' ? 'musl' : 'glibc'];
  }
  return fields;
}

module.exports = { SUPPORTED, platformName, npmFields };
