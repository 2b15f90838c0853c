import { isRecord, type Schema } from './json-schema.js';

/** A provider's gate schemas, as the generator reads them. */
export interface GateSource {
  /** The gate of an event type, or `undefined` when there is none. */
  schemaOf(type: string): object | undefined;
  /** Schemas the gates reference by `$id`. */
  readonly shared?: readonly object[];
}

type Raw = Readonly<Record<string, unknown>>;

/**
 * Which properties of which named schema the gate guarantees: walks each event's gate beside its spec
 * schema, and wherever the gate requires a property of an object that the spec names (the event type
 * itself, or a shared component reached by `$ref`), records that property under that name. Only
 * plain `required` counts: what a gate requires inside `anyOf`/`if` (one of two ids) is no guarantee
 * of either. A component reached from several places gets the union (Terra's `TerraUser.user_id`).
 */
export function gateRequirements(
  gate: GateSource,
  eventSchemas: ReadonlyMap<string, Schema>,
  sharedById: ReadonlyMap<string, { readonly name: string; readonly schema: Schema }>,
): Map<string, Set<string>> {
  const keep = new Map<string, Set<string>>();
  const gateShared = new Map<string, Raw>();
  for (const schema of gate.shared ?? []) if (isRecord(schema) && typeof schema.$id === 'string') gateShared.set(schema.$id, schema);

  const targets = (name: string | undefined, schema: Schema | undefined, out: [string | undefined, Schema][] = []) => {
    if (schema === undefined) return out;
    out.push([name, schema]);
    if (schema.$ref !== undefined) {
      const shared = sharedById.get(schema.$ref);
      if (shared !== undefined) targets(shared.name, shared.schema, out);
    }
    for (const arm of schema.allOf ?? []) targets(undefined, arm, out);
    // `anyOf: [X, null]`: the nullable spelling of X.
    for (const arm of schema.anyOf ?? []) if (arm.type !== 'null') targets(undefined, arm, out);
    return out;
  };

  const walk = (rawGate: unknown, specTargets: [string | undefined, Schema][], depth: number): void => {
    if (!isRecord(rawGate) || depth > 32) return;
    const gateSchema = typeof rawGate.$ref === 'string' ? (gateShared.get(rawGate.$ref) ?? rawGate) : rawGate;
    const required = Array.isArray(gateSchema.required) ? (gateSchema.required as string[]) : [];
    for (const [name, spec] of specTargets) {
      if (name === undefined || spec.properties === undefined) continue;
      for (const property of required) {
        if (spec.properties[property] === undefined) continue;
        let set = keep.get(name);
        if (set === undefined) keep.set(name, (set = new Set()));
        set.add(property);
      }
    }
    if (isRecord(gateSchema.properties)) {
      for (const [property, child] of Object.entries(gateSchema.properties)) {
        const next = specTargets.flatMap(([, spec]) => targets(undefined, spec.properties?.[property]));
        walk(child, next, depth + 1);
      }
    }
    if (isRecord(gateSchema.items)) {
      const next = specTargets.flatMap(([, spec]) => (Array.isArray(spec.items) ? [] : targets(undefined, spec.items)));
      walk(gateSchema.items, next, depth + 1);
    }
    for (const arm of Array.isArray(gateSchema.allOf) ? gateSchema.allOf : []) walk(arm, specTargets, depth + 1);
  };

  for (const [type, schema] of eventSchemas) walk(gate.schemaOf(type), targets(type, schema), 0);
  return keep;
}
