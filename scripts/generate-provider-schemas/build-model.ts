import { cleanSchema, ordered, type CleanContext } from './clean-schema.js';
import { buildEventCatalog, compareStrings, type EventCatalog } from './event-catalog.js';
import type { Schema } from './json-schema.js';
import { componentName, resolveAlias, type LoadedSpec } from './load-spec.js';
import type { ProviderConfig } from './provider-config.js';

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

  const eventSchemas = new Map<string, Schema>();
  for (const entry of catalog.entries) {
    const schema = cleanSchema(spec.components[entry.component], context);
    const properties = schema.properties ?? {};
    properties[config.discriminator] = { type: 'string', const: entry.eventType };
    eventSchemas.set(entry.eventType, ordered({ ...schema, properties }));
  }

  const shared = new Map<string, Schema>();
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    shared.set(name, ordered({ $id: schemaId(config.provider, name), ...cleanSchema(spec.components[name], context) }));
  }
  const sortedShared = new Map([...shared].sort(([a], [b]) => compareStrings(a, b)));
  return { config, spec, catalog, eventSchemas, sharedSchemas: sortedShared };
}
