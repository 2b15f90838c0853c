import { withoutDiscriminator, type ValidatorSource } from './emit-validators.js';

/**
 * The source of `generated/conformance.ts`: each event type's conformance schema and the shared schemas
 * they reference, as JSON text. `SchemaValidator` parses a type's schema and interprets it
 * (validation/schema-interpreter.ts) on the type's first delivery. Text rather than object literals:
 * a string costs V8 a scan at import, where an object literal of a few hundred kilobytes would be built
 * for every provider at start-up; and no code per type, so a first delivery compiles nothing.
 * Event types whose schemas are equal once the discriminator is dropped share one entry.
 */
export function emitConformanceSchemas(source: ValidatorSource, exportName: string, header: string): string {
  const distinct = new Map<string, number>();
  const eventTypes: string[] = [];
  for (const [type, schema] of Object.entries(source.schemas)) {
    const text = JSON.stringify(withoutAnnotations(withoutDiscriminator(schema, source.discriminators)));
    let index = distinct.get(text);
    if (index === undefined) {
      index = distinct.size;
      distinct.set(text, index);
    }
    eventTypes.push(`    ${JSON.stringify(type)}: ${index},`);
  }
  const shared = (source.shared ?? []).map((schema) => {
    const id = (schema as { $id?: unknown }).$id;
    if (typeof id !== 'string') throw new Error('A shared schema has no $id');
    return `    ${JSON.stringify(id)}: ${quote(JSON.stringify(withoutAnnotations(schema)))},`;
  });
  return (
    `${header}` +
    `// The conformance schema of each event type as JSON text, parsed and interpreted on the first delivery\n` +
    `// of a type that needs it (SchemaValidator, validation/schema-interpreter.ts), never at start-up.\n` +
    `import type { ConformanceSchemas } from '../../../validation/conformance-schemas.js';\n\n` +
    `/** The conformance schema of each event type, and the shared schemas they reference by \`$id\`. */\n` +
    `export const ${exportName}: ConformanceSchemas = {\n` +
    `  eventTypes: {\n${eventTypes.join('\n')}\n  },\n` +
    `  schemas: [\n${[...distinct.keys()].map((text) => `    ${quote(text)},`).join('\n')}\n  ],\n` +
    `  shared: {\n${shared.join('\n')}\n  },\n` +
    `};\n`
  );
}

// Keywords ajv ignores as wearhook compiles it: each byte of this file is scanned at every start-up.
const ANNOTATIONS = new Set(['$id', '$schema', 'title', 'description', 'examples']);
// Keywords that apply to every type: beside them, ajv reports a single type's error before them when
// the type has no keyword of its own, and after them when it has one, `format` included.
const ANY_TYPE_KEYWORDS = ['const', 'enum', 'anyOf', 'allOf', 'oneOf', 'not', 'if', '$ref'];
// Keywords whose value is a schema or a list of schemas (`properties`, a map of them, aside).
const SUBSCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else']);

/**
 * `schema` without what does not change its errors: annotations, and `format` (formats are not
 * validated) except where it decides the place of a type error (see `ANY_TYPE_KEYWORDS`).
 */
export function withoutAnnotations(schema: object): object {
  const record = schema as Record<string, unknown>;
  const formatMatters =
    record.format !== undefined && (record.type === 'string' || record.type === 'number') && ANY_TYPE_KEYWORDS.some((keyword) => record[keyword] !== undefined);
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(record)) {
    if (ANNOTATIONS.has(keyword) || (keyword === 'format' && !formatMatters)) continue;
    if (keyword === 'properties') {
      out[keyword] = Object.fromEntries(Object.entries(value as Record<string, object>).map(([name, sub]) => [name, withoutAnnotations(sub)]));
    } else if (SUBSCHEMA_KEYWORDS.has(keyword)) {
      out[keyword] = Array.isArray(value) ? value.map((sub: object) => withoutAnnotations(sub)) : withoutAnnotations(value as object);
    } else {
      out[keyword] = value;
    }
  }
  return out;
}

/** A single-quoted string literal of `text` (JSON text has no line breaks, and few single quotes). */
function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
