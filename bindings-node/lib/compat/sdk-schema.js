/**
 * Tool schemas listed as the official SDK 1.x lists them (its `zod-json-schema-compat`), so
 * a server moved onto mcpforge lists the same `tools/list`: a zod raw shape is made a zod
 * object first; a zod 4 object is converted by zod's `toJSONSchema` with the draft-07 target
 * (`$schema` included), the input or output view; a zod 3 object by `zod-to-json-schema`
 * (draft-07, strict unions, the pipe's input or output), which closes every object
 * (`additionalProperties: false`). A zod schema that is not an object has no listing here:
 * the SDK lists such an input as an empty object and leaves the output out. The engine
 * validates arguments against what is listed (its JSON Schema check follows the `$schema`
 * given, draft-07 here); zod then parses them, so defaults and transforms apply.
 *
 * Other Standard Schemas (valibot, arktype), and a raw shape when no zod can be loaded
 * beside mcpforge, are listed by mcpforge's own conversion (../schema.js).
 */
'use strict';

const { toJsonSchema, isRawShape, isSchemaObject, isZod3, zodObject, optional } = require('../schema');

/** True for a zod object schema, of zod 3 or 4, as the SDK tells one. */
function isZodObject(s) {
  if (s._zod !== undefined) return Boolean(s._zod.def && (s._zod.def.type === 'object' || s._zod.def.shape !== undefined));
  return isZod3(s) && s.shape !== undefined;
}

/** True for `{}`: a plain object with no key. */
function isEmptyShape(s) {
  return s !== null && typeof s === 'object' && Object.getPrototypeOf(s) === Object.prototype && Object.keys(s).length === 0;
}

/** True for a zod schema of either version. */
function isZod(s) {
  return s._zod !== undefined || isZod3(s);
}

/**
 * The JSON Schema of a zod object `obj`; `io` is `'input'` or `'output'`; `target` the zod 4
 * dialect (`draft-7`, as SDK 1.x lists; `draft-2020-12`, as SDK 2.x does).
 */
function convertObject(obj, what, io, target) {
  if (isZod3(obj)) {
    const converter = optional('zod-to-json-schema');
    if (!converter) throw new TypeError(`mcpforge: the ${what} is a zod 3 schema: install zod-to-json-schema to use it (or use zod 4)`);
    return converter.zodToJsonSchema(obj, { strictUnions: true, pipeStrategy: io });
  }
  // zod 4 marks what it writes as a Standard Schema itself (a `~standard` property, not
  // enumerated): the copy is plain JSON, so the engine's side takes it as it is.
  const mini = optional('zod/v4-mini');
  if (mini && typeof mini.toJSONSchema === 'function') return { ...mini.toJSONSchema(obj, { target, io }) };
  const standard = obj['~standard'];
  if (standard && standard.jsonSchema && typeof standard.jsonSchema[io] === 'function') {
    return { ...standard.jsonSchema[io]({ target: target === 'draft-7' ? 'draft-07' : target }) };
  }
  return toJsonSchema(obj, what, io);
}

/**
 * The JSON Schema a tool lists for `schema` (a zod raw shape, a zod schema or another
 * Standard Schema), as the official SDK lists it (`{}`, the SDK's empty shape, an object
 * without properties); undefined for a zod schema that is not an object. `what` names it
 * in errors; `io` is `'input'` or `'output'`; `listing` how the SDK release lists
 * (`SDK1_LISTING` unless given): `target`, the zod 4 dialect, and `anyZod`, whether a zod
 * schema that is not an object is listed too (SDK 2.x lists every schema it can convert).
 * @returns {object | undefined}
 */
function sdkToolSchema(schema, what, io, listing = SDK1_LISTING) {
  const { target } = listing;
  if (isEmptyShape(schema)) {
    const obj = zodObject(schema);
    return obj ? convertObject(obj, what, io, target) : undefined;
  }
  if (isRawShape(schema)) {
    const obj = zodObject(schema);
    return obj ? convertObject(obj, what, io, target) : toJsonSchema(schema, what, io);
  }
  if (!isSchemaObject(schema)) return undefined;
  if (!isZod(schema)) return toJsonSchema(schema, what, io);
  return isZodObject(schema) || listing.anyZod ? convertObject(schema, what, io, target) : undefined;
}

/** How SDK 1.x lists tool schemas: zod 4 in draft-07, zod objects only. */
const SDK1_LISTING = { target: 'draft-7', anyZod: false };

module.exports = { sdkToolSchema, SDK1_LISTING };
