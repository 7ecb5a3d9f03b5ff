/**
 * Schemas in, JSON Schema out: a plain JSON Schema object is used as is; a zod schema, any
 * Standard Schema with `~standard.jsonSchema` (zod 4.2+, valibot, arktype...), or a raw shape
 * of them (`{ a: z.number() }`, as the official SDK's `registerTool` takes) is converted by
 * the schema itself, so the application's own copy of zod does the work (no dual-package
 * mismatch between its ESM and our CommonJS). Older zod 4 falls back to `zod.toJSONSchema`
 * (`zod/v4`'s for the zod 4 that zod 3.25 ships);
 * zod 3 schemas (and `zod/v3`) go through the `zod-to-json-schema` package, as the official
 * SDK 1.x converts them. Input schemas are the schema's input view; output schemas its output
 * view, where an object admits no other properties (`additionalProperties: false`), as the
 * official SDK lists them. Such schemas also parse the validated arguments, so their defaults
 * and transforms apply.
 */
'use strict';

/** True for a zod schema or any Standard Schema object. */
function isSchemaObject(s) {
  return s !== null && typeof s === 'object' && (typeof s.safeParse === 'function' || '~standard' in s);
}

/** True for `{ key: schema, ... }` (zod / Standard Schema values) with at least one key. */
function isRawShape(s) {
  if (s === null || typeof s !== 'object' || Array.isArray(s) || isSchemaObject(s)) return false;
  const values = Object.values(s);
  return values.length > 0 && values.every(isSchemaObject);
}

/** True for a schema of zod 3 (or `zod/v3`): it has `_def` where zod 4 has `_zod`. */
function isZod3(s) {
  return '_def' in s && !('_zod' in s);
}

/** `require(name)`, or undefined when the application does not have the package. */
function optional(name) {
  try {
    return require(name);
  } catch {
    return undefined;
  }
}

/** JSON Schema of one zod / Standard Schema object; `io` is `'input'` or `'output'`. */
function convert(s, what, io) {
  if (isZod3(s)) {
    const converter = optional('zod-to-json-schema');
    if (!converter) {
      throw new TypeError(`mcpforge: the ${what} is a zod 3 schema: install zod-to-json-schema to use it (or use zod 4)`);
    }
    const { $schema: _, ...json } = converter.zodToJsonSchema(s, { strictUnions: true, pipeStrategy: io });
    return json;
  }
  const standard = s['~standard'];
  if (standard && standard.jsonSchema && typeof standard.jsonSchema[io] === 'function') {
    return standard.jsonSchema[io]({ target: 'draft-2020-12' });
  }
  // zod 3.25 ships zod 4 as `zod/v4`, its main entry being zod 3 (no `toJSONSchema`).
  const zod = ['zod', 'zod/v4'].map(optional).find((z) => z && typeof z.toJSONSchema === 'function');
  if (zod) return zod.toJSONSchema(s, { io });
  throw new TypeError(`mcpforge: cannot convert the ${what} to JSON Schema (use zod 4.2+ or a JSON Schema object)`);
}

/** True when `s` accepts a missing value. */
function isOptional(s) {
  if (typeof s.isOptional === 'function') return s.isOptional();
  return typeof s.safeParse === 'function' && s.safeParse(undefined).success;
}

/** The zod 3 module (`zod/v3` of zod 3.25+ and 4, or an older zod 3 itself), if installed. */
function zod3() {
  const v3 = optional('zod/v3');
  if (v3) return v3.z ?? v3;
  const root = optional('zod');
  return root && typeof root.toJSONSchema !== 'function' && typeof root.object === 'function' ? root : undefined;
}

/**
 * The zod object of a raw shape, made by the zod its schemas come from (all zod 3, or all
 * zod 4; an empty shape is zod 4's), as the official SDK 1.x wraps a shape before
 * converting it; undefined when the shape mixes versions, holds other schemas, or no such
 * zod is installed beside mcpforge.
 */
function zodObject(shape) {
  const values = Object.values(shape);
  if (values.length > 0 && values.every(isZod3)) return zod3()?.object(shape);
  if (values.every((v) => v._zod !== undefined)) return optional('zod/v4-mini')?.object(shape);
  return undefined;
}

/** The object JSON Schema of a raw shape (an output one admits no other properties). */
function shapeSchema(shape, what, io) {
  // zod 3 converts a whole object: a property's `.optional().default(x)` is then its inner
  // type with its default, where converted alone it reads "anything or nothing".
  const object3 = Object.values(shape).every(isZod3) ? zodObject(shape) : undefined;
  if (object3) {
    const { additionalProperties, ...open } = convert(object3, what, io);
    return io === 'output' ? { ...open, additionalProperties } : open;
  }
  const properties = {};
  const required = [];
  for (const [key, s] of Object.entries(shape)) {
    // A zod 3 optional converts alone as "anything or nothing"; in an object it is its inner type.
    const inner = isZod3(s) && s._def.typeName === 'ZodOptional' ? s.unwrap() : s;
    const { $schema: _, ...property } = convert(inner, `${what} property \`${key}\``, io);
    properties[key] = property;
    if (!isOptional(s)) required.push(key);
  }
  const closed = io === 'output' ? { additionalProperties: false } : {};
  return { type: 'object', properties, ...(required.length ? { required } : {}), ...closed };
}

/**
 * JSON Schema for `schema` (undefined when absent). `what` names it in errors; `io` is
 * `'input'` (arguments, the default) or `'output'` (a tool's output schema).
 * @returns {object | undefined}
 */
function toJsonSchema(schema, what, io = 'input') {
  if (schema === undefined || schema === null) return undefined;
  if (isRawShape(schema)) return shapeSchema(schema, what, io);
  if (isSchemaObject(schema)) return convert(schema, what, io);
  if (typeof schema === 'object' && !Array.isArray(schema)) return schema;
  throw new TypeError(`mcpforge: the ${what} must be a JSON Schema object or a zod schema`);
}

/**
 * How validation problems read: mcpforge's `path: message; ...`, or the official SDK's
 * `message at path` one per line (what `McpServer` answers, as the SDK does).
 */
const STYLES = {
  mcpforge: { issue: (where, message) => `${where || '(root)'}: ${message}`, separator: '; ' },
  sdk: { issue: (where, message) => (where ? `${message} at ${where}` : message), separator: '\n' },
};

/** `{ ok: false, message }` for `issues`, each placed under `path` and worded in `style`. */
function failed(issues, path, style) {
  const where = (issue) => [...path, ...(issue.path || []).map((p) => (typeof p === 'object' ? p.key : p))].join('.');
  return { ok: false, message: issues.map((i) => style.issue(where(i), i.message)).join(style.separator) };
}

/** Runs one schema: `{ ok, value }` or `{ ok: false, message }` (a Promise for async Standard Schemas). */
function run(s, value, path, style = STYLES.mcpforge) {
  if (typeof s.safeParse === 'function') {
    const r = s.safeParse(value);
    return r.success ? { ok: true, value: r.data } : failed((r.error && r.error.issues) || [{ message: String(r.error) }], path, style);
  }
  const settle = (r) => (r.issues ? failed(r.issues, path, style) : { ok: true, value: r.value });
  const r = s['~standard'].validate(value);
  return typeof r.then === 'function' ? r.then(settle) : settle(r);
}

/**
 * A function parsing validated arguments through zod / Standard Schemas (defaults,
 * transforms), or `undefined` for plain JSON Schemas. It returns `{ ok: true, value }` or
 * `{ ok: false, message }`, or a Promise of one for asynchronous schemas. `styleName`
 * (`'mcpforge'` or `'sdk'`) chooses how problems read.
 */
function argumentParser(schema, styleName = 'mcpforge') {
  const style = STYLES[styleName];
  if (isRawShape(schema)) {
    // Each key's path, and whether its schema is a bare one, is worked out once here, not on every call.
    const fields = Object.entries(schema).map(([key, s]) => ({ key, s, path: [key], bare: bareType(s) }));
    return (args) => {
      const value = {};
      let problems;
      let pending;
      for (const { key, s, path, bare } of fields) {
        const given = args[key];
        if (bare !== undefined && accepts(bare, given)) {
          value[key] = given;
          continue;
        }
        const r = run(s, given, path, style);
        if (typeof r.then === 'function') {
          (pending ||= []).push(
            r.then((settled) => {
              problems = record(settled, key, value, problems);
            }),
          );
        } else problems = record(r, key, value, problems);
      }
      if (pending) return Promise.all(pending).then(() => outcome(value, problems, style));
      return outcome(value, problems, style);
    };
  }
  if (isSchemaObject(schema)) return (args) => run(schema, args, [], style);
  return undefined;
}

/** Puts one field's parse into `value`, or its problem into `problems`; returns `problems` (made on the first). */
function record(r, key, value, problems) {
  if (!r.ok) (problems ||= []).push(r.message);
  else if (r.value !== undefined) value[key] = r.value;
  return problems;
}

/** What parsing the fields of a raw shape came to: `{ ok: true, value }` or `{ ok: false, message }`. */
function outcome(value, problems, style) {
  return problems ? { ok: false, message: problems.join(style.separator) } : { ok: true, value };
}

/** The zod 4 `def` types, and zod 3 `typeName`s, of the bare schemas `bareType` knows. */
const BARE_ZOD4 = new Set(['string', 'number', 'boolean']);
const BARE_ZOD3 = { ZodString: 'string', ZodNumber: 'number', ZodBoolean: 'boolean' };

/** The zod 3 `def` fields that do not change what a schema accepts or returns. */
const ZOD3_INERT = new Set(['typeName', 'checks', 'coerce', 'description', 'errorMap']);

/**
 * `'string'`, `'number'` or `'boolean'` for a bare zod schema of that type: `z.string()`,
 * `z.number()`, `z.boolean()` with no check, coercion, format or custom error (zod 4 or 3);
 * else undefined. Such a schema accepts a value by its type alone and returns it as it is,
 * so a value that passes `accepts` is what zod would answer, without running zod.
 */
function bareType(s) {
  if (s._zod !== undefined) {
    const def = s._zod.def;
    if (!def || !BARE_ZOD4.has(def.type) || s._zod.run !== s._zod.parse) return undefined;
    const inert = Object.keys(def).every((key) => key === 'type' || (key === 'checks' && !(def.checks?.length > 0)));
    return inert ? def.type : undefined;
  }
  if (!isZod3(s) || !s._def) return undefined;
  const def = s._def;
  const type = Object.hasOwn(BARE_ZOD3, def.typeName) ? BARE_ZOD3[def.typeName] : undefined;
  if (type === undefined || def.coerce || (def.checks && def.checks.length > 0)) return undefined;
  return Object.keys(def).every((key) => ZOD3_INERT.has(key)) ? type : undefined;
}

/** True when a bare schema of type `bare` accepts `value` (zod's own test: a finite number, not NaN). */
function accepts(bare, value) {
  return typeof value === bare && (bare !== 'number' || Number.isFinite(value));
}

module.exports = { toJsonSchema, argumentParser, isRawShape, isSchemaObject, isZod3, zodObject, optional };
