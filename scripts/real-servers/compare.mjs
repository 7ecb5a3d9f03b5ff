// How scripts/real-servers-node.mjs compares two transcripts: by meaning, as parsed JSON.
// `normalized` writes the run's work folder as `<WORK>`, times as `<TIME>`, random ids (an
// HTTP session's, a UUID) as `<UUID>`, parses JSON
// text found in strings (a tool's text that is JSON compares as values, not as spacing and
// key order), keys the lists by name (a missing tool is one difference), and groups the notifications
// by method, each group sorted (their order against each other is the
// scheduler's); `compare` lists every path where two values differ.

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?/g;
const DATE_TEXT = /\w{3} \w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4} \([^)]*\)/g;
const CLOCK_TEXT = /\b\d{1,2}:\d{2}:\d{2}\s?[AP]M\b/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

function scrub(text, work) {
  let s = text.split(work).join('<WORK>').split(encodeURI(work)).join('<WORK>');
  s = s.replace(ISO_TIME, '<TIME>').replace(DATE_TEXT, '<TIME>').replace(CLOCK_TEXT, '<TIME>').replace(UUID, '<UUID>');
  const trimmed = s.trim();
  if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
    try {
      return { json: JSON.parse(trimmed) };
    } catch {
      // Not JSON after all: compared as text.
    }
  }
  return s;
}

function walk(value, work) {
  if (typeof value === 'string') return scrub(value, work);
  if (Array.isArray(value)) return value.map((v) => walk(v, work));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, work)]));
  return value;
}

/** A list of named items as an object keyed by `field`, so a missing one is one difference. */
function keyed(list, field) {
  if (!list || !Array.isArray(list.result)) return list;
  return { ...list, result: Object.fromEntries(list.result.map((item) => [item[field], item])) };
}

/** The transcript `t` of a run in folder `work`, ready to compare. */
export function normalized(t, work) {
  const out = walk(t, work);
  out.tools = keyed(out.tools, 'name');
  out.resources = keyed(out.resources, 'uri');
  out.templates = keyed(out.templates, 'uriTemplate');
  out.prompts = keyed(out.prompts, 'name');
  const key = (n) => JSON.stringify(n);
  const byMethod = {};
  for (const n of out.notifications) (byMethod[n.method] ??= []).push(n.params ?? null);
  for (const list of Object.values(byMethod)) list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  out.notifications = byMethod;
  return out;
}

/** Every difference between `a` (official) and `b` (mcpforge): `{ path, official, mcpforge }`. */
export function compare(a, b, path = '', out = []) {
  if (Object.is(a, b)) return out;
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) {
    out.push({ path: path || '.', official: a, mcpforge: b });
    return out;
  }
  if (Array.isArray(a) && a.length !== b.length) {
    out.push({ path: `${path}.length`, official: a.length, mcpforge: b.length });
  }
  const keys = Array.isArray(a) ? [...Array(Math.min(a.length, b.length)).keys()] : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) compare(a[k], b[k], `${path}.${k}`, out);
  return out;
}
