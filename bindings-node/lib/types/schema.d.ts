/**
 * JSON values and schemas, and the handler arguments TypeScript infers from a schema
 * (zod or any Standard Schema), with no zod types needed.
 */

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON Schema object. */
export type JsonSchema = { [key: string]: unknown };

/**
 * A zod schema or any Standard Schema (converted to JSON Schema when registered; it also
 * parses the arguments). Kept structural so no zod types are needed.
 */
export interface SchemaLike {
  readonly '~standard'?: unknown;
  safeParse?(value: unknown): unknown;
}

/** What `inputSchema`, `outputSchema`, `argsSchema` and `requestedSchema` accept. */
export type SchemaInput = JsonSchema | SchemaLike | { [key: string]: SchemaLike };

/**
 * A schema that carries its own types: the Standard Schema interface, which zod (3.25 and
 * 4), valibot, arktype and others implement. Types are read from it, so they need no zod.
 */
export interface StandardSchemaLike<Output = unknown> {
  readonly '~standard': { readonly types?: { readonly output: Output } | undefined };
}

/** A zod raw shape: an object of schemas, e.g. `{ a: z.number(), b: z.string().optional() }`. */
export type RawShape = { readonly [key: string]: StandardSchemaLike };

/** The value a schema parses to (`unknown` when it says nothing). */
export type SchemaOutput<S> = S extends { readonly '~standard': { readonly types?: infer T } }
  ? NonNullable<T> extends { readonly output: infer O }
    ? O
    : unknown
  : unknown;

/** Flattens an intersection of object types into one object type (for readable hovers). */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The object a raw shape parses to; fields whose schema accepts `undefined` are optional. */
export type ShapeOutput<Shape> = Simplify<
  { [K in keyof Shape as undefined extends SchemaOutput<Shape[K]> ? never : K]: SchemaOutput<Shape[K]> } & {
    [K in keyof Shape as undefined extends SchemaOutput<Shape[K]> ? K : never]?: SchemaOutput<Shape[K]>;
  }
>;

/**
 * The arguments a handler receives for a schema: what a zod (or Standard) schema or raw
 * shape parses to; no arguments without one. A JSON Schema says nothing TypeScript can read:
 * its arguments are `any` (name them with `Server.tool<Args>()` or annotate the parameter).
 */
export type InferArgs<S> = [S] extends [undefined]
  ? Record<string, never>
  : S extends { readonly '~standard': unknown }
    ? SchemaOutput<S>
    : S extends RawShape
      ? ShapeOutput<S>
      : any;

/** A value or a Promise of it. */
export type Awaitable<T> = T | Promise<T>;
