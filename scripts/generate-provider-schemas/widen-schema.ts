import { makeNullable, ordered, typesOf } from './clean-schema.js';
import type { Schema } from './json-schema.js';

/** What the widening keeps of a spec's promises. */
export interface WidenRules {
  /**
   * The properties of a schema (an event type's payload, or a shared component by name) that stay
   * required: the fields the gate guarantees. Every other property may be absent or null.
   */
  keepRequired(name: string): readonly string[];
  /** Whether single-valued `const`s other than the discriminator are opened like enums (Terra's). */
  readonly openConsts: boolean;
}

// `id`, `user_id`, `dataSourceId`: the properties whose integers may arrive as numeric strings.
const ID_PROPERTY = /(?:^id$|_id$|Id$)/;

/** A string of decimal digits, as senders write integer ids. */
const NUMERIC_STRING: Schema = { type: 'string', pattern: '^-?[0-9]{1,20}$' };

/**
 * Widens a cleaned spec schema to what providers are seen to send: only the properties
 * `rules.keepRequired(name)` names stay required; every other property also accepts null (and, being
 * optional, absence); integer ids also accept strings. Nested inline objects keep nothing required:
 * only named schemas carry gate guarantees.
 */
export function widenSchema(schema: Schema, name: string | undefined, rules: WidenRules): Schema {
  const keep = new Set(name === undefined ? [] : rules.keepRequired(name));
  return widen(schema, keep, rules);
}

function widen(schema: Schema, keep: ReadonlySet<string>, rules: WidenRules): Schema {
  const out: Schema = { ...schema };
  if (rules.openConsts && out.const !== undefined && typeof out.const !== 'object') {
    out.examples = [out.const];
    out.type ??= typeof out.const === 'number' ? 'number' : typeof out.const;
    delete out.const;
  }
  if (schema.properties !== undefined) {
    const properties: Record<string, Schema> = {};
    for (const [property, value] of Object.entries(schema.properties)) {
      let widened = widen(value, new Set(), rules);
      if (ID_PROPERTY.test(property) && typesOf(widened).includes('integer')) widened = { anyOf: [widened, NUMERIC_STRING] };
      properties[property] = keep.has(property) ? widened : makeNullable(widened);
    }
    out.properties = properties;
  }
  const required = (schema.required ?? []).filter((property) => keep.has(property));
  if (required.length > 0) out.required = required;
  else delete out.required;
  if (Array.isArray(schema.items)) out.items = schema.items.map((item) => widen(item, new Set(), rules));
  else if (schema.items !== undefined) out.items = widen(schema.items, new Set(), rules);
  if (schema.additionalProperties !== undefined) out.additionalProperties = widen(schema.additionalProperties, new Set(), rules);
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    // Arms of a combinator describe the same object: they keep the same guarantees.
    const arms = schema[keyword];
    if (arms !== undefined) out[keyword] = arms.map((arm) => widen(arm, keep, rules));
  }
  return ordered(out);
}
