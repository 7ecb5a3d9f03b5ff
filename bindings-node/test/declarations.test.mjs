/**
 * The hand-written declarations say what the package exports, no more and no less. For the
 * main entry (CommonJS and ESM) and every subpath of package.json `exports`, each export
 * found at run time is declared in the subpath's `types` file, and each declared value (a
 * class, function or const; not an interface or type alias, which have no run-time
 * counterpart) exists at run time. The members declared for the default export are compared
 * with the CommonJS `module.exports` object as well. The declarations are read with the
 * TypeScript compiler API (the pinned `typescript` devDependency).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The subpaths of `exports` with code and types: `[subpath, { types, import, require }]`. */
const entries = Object.entries(pkg.exports).filter(([, target]) => typeof target === 'object' && target.types);

/**
 * What `files` (.d.ts, by path) declare: for each, every exported name, and which of them
 * are values, and the members of its default export's type.
 */
function declared(files) {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const out = new Map();
  for (const file of files) {
    const source = program.getSourceFile(file);
    assert.ok(source, `${file} is not part of the program`);
    const all = new Set();
    const values = new Set();
    let defaultMembers;
    for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(source))) {
      const name = symbol.escapedName.toString();
      all.add(name);
      const typeOnly = (symbol.declarations || []).some(
        (d) => (ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly)) || ts.isTypeOnlyImportOrExportDeclaration?.(d),
      );
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      if (!typeOnly && target.flags & ts.SymbolFlags.Value) values.add(name);
      if (name === 'default') {
        defaultMembers = new Set(checker.getTypeOfSymbolAtLocation(target, source).getProperties().map((p) => p.name));
      }
    }
    out.set(file, { all, values, defaultMembers });
  }
  return out;
}

/** The differences between run-time names and declared ones, one line each. */
function compare(where, runtime, { all, values }) {
  const problems = [];
  for (const name of runtime) {
    if (!all.has(name)) problems.push(`${where}: ${name} is exported at run time but not declared`);
  }
  for (const name of values) {
    if (!runtime.has(name)) problems.push(`${where}: ${name} is declared as a value but missing at run time`);
  }
  return problems;
}

test('every export of the package is declared, and every declared value exists', async () => {
  const decls = declared(entries.map(([, target]) => join(root, target.types)));
  const problems = [];
  for (const [subpath, target] of entries) {
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    const d = decls.get(join(root, target.types));
    const cjs = require(specifier);
    const esm = await import(specifier);
    const withoutDefault = { all: new Set([...d.all].filter((n) => n !== 'default')), values: new Set([...d.values].filter((n) => n !== 'default')) };
    problems.push(...compare(`${specifier} (require)`, new Set(Object.keys(cjs)), withoutDefault));
    problems.push(...compare(`${specifier} (import)`, new Set(Object.keys(esm)), d));
    if (d.defaultMembers) {
      const members = { all: d.defaultMembers, values: d.defaultMembers };
      problems.push(...compare(`${specifier} (default export)`, new Set(Object.keys(esm.default)), members));
    }
  }
  assert.deepEqual(problems, []);
});

test('every exported subpath is checked, the main entry among them', () => {
  assert.ok(entries.some(([subpath]) => subpath === '.'));
  const untyped = Object.entries(pkg.exports).filter(([subpath, target]) => subpath !== './package.json' && !(target && target.types));
  assert.deepEqual(untyped, [], 'a subpath without types');
});

test('the check tells values from types', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpforge-decl-'));
  try {
    const file = join(dir, 'sample.d.ts');
    writeFileSync(
      file,
      [
        'export interface A { a: number }',
        'export type B = 1;',
        'export declare class C {}',
        'export declare function d(): void;',
        'export declare const e: { f: 1; g: 2 };',
        'export type { C as H };',
        'export default e;',
        'declare const e2: number;',
      ].join('\n'),
    );
    const { all, values, defaultMembers } = declared([file]).get(file);
    assert.deepEqual([...all].sort(), ['A', 'B', 'C', 'H', 'd', 'default', 'e']);
    assert.deepEqual([...values].sort(), ['C', 'd', 'default', 'e']);
    assert.deepEqual([...defaultMembers].sort(), ['f', 'g']);
    assert.deepEqual(compare('x', new Set(['C', 'd', 'z']), { all, values }), [
      'x: z is exported at run time but not declared',
      'x: e is declared as a value but missing at run time',
      'x: default is declared as a value but missing at run time',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
