import { cleanSchema, ordered, type CleanContext } from './clean-schema.js';
import { buildEventCatalog, compareStrings, type EventCatalog } from './event-catalog.js';
import { gateRequirements } from './gate-requirements.js';
import type { Schema } from './json-schema.js';
import { componentName, resolveAlias, type LoadedSpec } from './load-spec.js';
import type { ProviderConfig } from './provider-config.js';
import { widenSchema, type WidenRules } from './widen-schema.js';

/** Everything the emitters need about one provider, in the order they print it. */
export interface ProviderModel {
  readonly config: ProviderConfig;
  readonly spec: LoadedSpec;
  readonly catalog: EventCatalog;
  /** One schema per concrete event type, sorted by event type. */
  readonly eventSchemas: ReadonlyMap<string, Schema>;
  /** The components the event schemas reference, each with its `$id`, sorted by name. */
  readonly sharedSchemas: ReadonlyMap<string, Schema>;
}

/** The `$id` of a shared schema: a URN, because nothing should try to fetch it. */
export function schemaId(provider: string, component: string): string {
  return `urn:wearhook:${provider}:${component}`;
}

/**
 * Builds the event schemas (each the spec's payload component, inlined, with the discriminator pinned
 * to the one event type) and every component they reach, once, as shared `$id` schemas. Inlining the
 * components instead cannot express Terra's recursive PlannedWorkoutDetailsStep, and makes Vital's
 * schemas 1.6 times larger (every created/updated pair repeats its data component) without compiling
 * faster: ajv compiles each shared schema once per validator and reuses it.
 */
export function buildModel(spec: LoadedSpec, config: ProviderConfig): ProviderModel {
  const catalog = buildEventCatalog(spec, config);
  const pending: string[] = [];
  const reached = new Set<string>();
  const context: CleanContext = {
    ref(target) {
      const name = resolveAlias(spec, componentName(target));
      if (!reached.has(name)) {
        reached.add(name);
        pending.push(name);
      }
      return schemaId(config.provider, name);
    },
    isOpenEnum: (raw) => config.isOpenEnum(raw),
  };

  const discriminated = (eventType: string, schema: Schema): Schema => {
    const properties = { ...schema.properties, [config.discriminator]: { type: 'string', const: eventType } };
    const required = [...new Set([config.discriminator, ...(schema.required ?? [])])];
    return ordered({ ...schema, properties, required });
  };
  const cleanedEvents = new Map<string, Schema>();
  for (const entry of catalog.entries) cleanedEvents.set(entry.eventType, discriminated(entry.eventType, cleanSchema(spec.components[entry.component], context)));
  for (const [eventType, discriminator] of Object.entries(config.unspecifiedEventTypes)) {
    if (cleanedEvents.has(eventType)) throw new Error(`${config.provider}: ${eventType} is in the spec; drop it from unspecifiedEventTypes`);
    cleanedEvents.set(eventType, { type: 'object', properties: { [discriminator]: { type: 'string', const: eventType } }, required: [discriminator] });
  }

  const cleanedShared = new Map<string, Schema>();
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    cleanedShared.set(name, ordered({ $id: schemaId(config.provider, name), ...cleanSchema(spec.components[name], context) }));
  }

  // Only what the gate guarantees stays required; the rest of the spec's promises become advisory.
  const sharedById = new Map([...cleanedShared].map(([name, schema]) => [schema.$id ?? '', { name, schema }]));
  const keep = gateRequirements(config.gate, cleanedEvents, sharedById);
  const rules: WidenRules = { keepRequired: (name) => [...(keep.get(name) ?? [])], openConsts: config.openConsts };
  const eventSchemas = new Map<string, Schema>();
  for (const [eventType, schema] of [...cleanedEvents].sort(([a], [b]) => compareStrings(a, b))) {
    // The discriminator is set again: widening opens Terra's consts, and this one selects the schema.
    const widened = widenSchema(schema, eventType, rules);
    eventSchemas.set(eventType, ordered({ ...widened, properties: { ...widened.properties, [config.discriminator]: { type: 'string', const: eventType } } }));
  }
  const shared = new Map<string, Schema>();
  for (const [name, schema] of cleanedShared) shared.set(name, widenSchema(schema, name, rules));
  const sortedShared = new Map([...shared].sort(([a], [b]) => compareStrings(a, b)));
  return { config, spec, catalog, eventSchemas, sharedSchemas: sortedShared };
}
