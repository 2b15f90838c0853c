import type { InterpretedSchema } from './schema-interpreter.js';

/**
 * A provider's conformance schemas (`providers/<name>/generated/conformance.ts`): the published schema
 * of each event type, widened to what providers are seen to send, as JSON text. Nothing is parsed at
 * import; `SchemaValidator` parses and interprets a type's schema on the first delivery of the type.
 */
export interface ConformanceSchemas {
  /** The index in `schemas` of each event type's schema. */
  readonly eventTypes: Readonly<Record<string, number>>;
  /** Each distinct event schema, as JSON text. */
  readonly schemas: readonly string[];
  /** The schemas the event schemas reference, as JSON text, by `$id`. */
  readonly shared: Readonly<Record<string, string>>;
}

/** The shared schema with this `$id`, parsed; throws for one `schemas` does not have. */
export function sharedSchema(schemas: ConformanceSchemas, id: string): InterpretedSchema {
  if (!Object.hasOwn(schemas.shared, id)) throw new Error(`No conformance schema has the $id ${JSON.stringify(id)}`);
  return JSON.parse(schemas.shared[id]!) as InterpretedSchema;
}
