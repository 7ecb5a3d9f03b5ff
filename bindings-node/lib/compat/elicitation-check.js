/**
 * The check the official SDK's `server.elicitInput(...)` makes of an accepted answer: its
 * `content` against the `requestedSchema` the server sent, the problems worded as the SDK's
 * default validator (Ajv) words them (`data/age must be >= 18, data must have required
 * property 'name'`). Elicitation schemas are flat objects of primitives (MCP's
 * `PrimitiveSchemaDefinition`: strings with lengths, formats, enums or titled `oneOf`
 * choices; numbers and integers with bounds; booleans; arrays of enum choices), which is what
 * this checks; a keyword outside that set is not checked.
 */
'use strict';

const TYPE_OF = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  integer: (v) => Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  array: Array.isArray,
  object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  null: (v) => v === null,
};

/** The keywords the validator checks only on values of their type. */
const TYPED_KEYWORDS = {
  number: ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'multipleOf'],
  string: ['maxLength', 'minLength', 'pattern', 'format'],
  array: ['maxItems', 'minItems', 'items', 'uniqueItems', 'contains', 'prefixItems'],
  object: ['required', 'properties', 'additionalProperties', 'maxProperties', 'minProperties', 'patternProperties'],
};

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDate(text) {
  const m = /^(\d\d\d\d)-(\d\d)-(\d\d)$/.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && !leap ? 28 : DAYS[month - 1]);
}

/** The formats the SDK's validator knows that elicitation uses (others are not checked). */
const FORMATS = {
  email: (v) => /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(v),
  date: isDate,
  'date-time': (v) => {
    const [date, time, extra] = v.split(/t|\s/i);
    return extra === undefined && time !== undefined && isDate(date) && /^(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)$/i.test(time);
  },
};

/** Problems of `value` at `path` against `schema`, pushed onto `out` as `[path, message]`, in the validator's order. */
function check(schema, value, path, out) {
  if (!schema || typeof schema !== 'object') return;
  const types = schema.type === undefined ? [] : [].concat(schema.type);
  const typed = types.length === 0 || types.some((t) => TYPE_OF[t]?.(value));
  // One type with keywords of its own is checked where those are, after the untyped ones.
  const late = types.length === 1 && (TYPED_KEYWORDS[types[0]] ?? []).some((k) => k in schema);
  const typeError = [path, `must be ${types.join(',')}`];
  if (!typed && !late) out.push(typeError);
  // Keywords for any type first, then those of the value's type (when it has it).
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) out.push([path, 'must be equal to constant']);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    out.push([path, 'must be equal to one of the allowed values']);
  }
  for (const [keyword, word, needed] of [['anyOf', 'a schema in anyOf', (n) => n > 0], ['oneOf', 'exactly one schema in oneOf', (n) => n === 1]]) {
    if (!Array.isArray(schema[keyword])) continue;
    const branches = schema[keyword].map((branch) => {
      const problems = [];
      check(branch, value, path, problems);
      return problems;
    });
    if (!needed(branches.filter((p) => p.length === 0).length)) out.push(...branches.flat(), [path, `must match ${word}`]);
  }
  if (!typed && late) out.push(typeError);
  // The keywords of a kind of value apply to a value of that kind, whatever `type` says (an
  // integer's bounds to 1.5).
  if (typeof value === 'number') {
    if (typeof schema.maximum === 'number' && value > schema.maximum) out.push([path, `must be <= ${schema.maximum}`]);
    if (typeof schema.minimum === 'number' && value < schema.minimum) out.push([path, `must be >= ${schema.minimum}`]);
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) out.push([path, `must be < ${schema.exclusiveMaximum}`]);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) out.push([path, `must be > ${schema.exclusiveMinimum}`]);
  } else if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) out.push([path, `must NOT have more than ${schema.maxLength} characters`]);
    if (typeof schema.minLength === 'number' && length < schema.minLength) out.push([path, `must NOT have fewer than ${schema.minLength} characters`]);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) out.push([path, `must match pattern "${schema.pattern}"`]);
    if (FORMATS[schema.format] && !FORMATS[schema.format](value)) out.push([path, `must match format "${schema.format}"`]);
  } else if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) out.push([path, `must NOT have more than ${schema.maxItems} items`]);
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) out.push([path, `must NOT have fewer than ${schema.minItems} items`]);
    if (schema.items && typeof schema.items === 'object') value.forEach((item, i) => check(schema.items, item, `${path}/${i}`, out));
  } else if (TYPE_OF.object(value)) {
    for (const name of Array.isArray(schema.required) ? schema.required : []) {
      if (!(name in value)) out.push([path, `must have required property '${name}'`]);
    }
    const properties = schema.properties && typeof schema.properties === 'object' ? schema.properties : {};
    if (schema.additionalProperties === false && Object.keys(value).some((k) => !(k in properties))) {
      out.push([path, 'must NOT have additional properties']);
    }
    for (const [name, property] of Object.entries(properties)) {
      if (value[name] !== undefined) check(property, value[name], `${path}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
    }
  }
}

/**
 * What is wrong with the accepted elicitation `content` for `requestedSchema`, worded as the
 * official SDK words it, or `undefined` when nothing is.
 */
function elicitationProblems(requestedSchema, content) {
  const problems = [];
  check(requestedSchema, content, '', problems);
  return problems.length ? problems.map(([path, message]) => `data${path} ${message}`).join(', ') : undefined;
}

module.exports = { elicitationProblems };
