import { isRecord } from './json-schema.js';
import { componentName, resolveAlias, type LoadedSpec } from './load-spec.js';
import type { ProviderConfig } from './provider-config.js';

export interface CatalogEntry {
  /** The concrete event type string, as the payload's discriminator carries it. */
  readonly eventType: string;
  /** The component that describes the whole payload. */
  readonly component: string;
  /** Where the event type came from, for the summary. */
  readonly source: string;
}

export interface EventCatalog {
  /** Sorted by event type. */
  readonly entries: readonly CatalogEntry[];
  /** Things about the spec worth a reader's attention (types that differ from keys, aliases, ...). */
  readonly notes: readonly string[];
}

/**
 * Expands the spec's `webhooks:` section into concrete event types: each entry's payload schema (through
 * `$ref` and `oneOf`) is one or more components, and each component's discriminator property names its
 * event types by `const` or `enum`. Keys like `daily.data.sleep.*` are checked against what they expand to.
 */
export function buildEventCatalog(spec: LoadedSpec, config: ProviderConfig): EventCatalog {
  const byType = new Map<string, CatalogEntry>();
  const notes: string[] = [];

  const add = (entry: CatalogEntry): void => {
    const existing = byType.get(entry.eventType);
    if (existing === undefined) byType.set(entry.eventType, entry);
    else if (existing.component !== entry.component) {
      throw new Error(`${spec.file}: ${entry.eventType} is both ${existing.component} and ${entry.component}`);
    }
  };

  for (const [key, item] of Object.entries(spec.webhooks)) {
    for (const component of payloadComponents(spec, requestSchema(spec, key, item))) {
      for (const eventType of discriminatorValues(spec, config, component)) {
        if (key.includes('*') ? !globMatches(key, eventType) : eventType !== key) {
          if (key.includes('*')) throw new Error(`${spec.file}: webhook ${key} yields ${eventType}, which it does not match`);
          notes.push(`webhooks.${key} delivers type "${eventType}" (${component})`);
        }
        add({ eventType, component, source: `webhooks.${key}` });
      }
    }
  }

  for (const union of config.extraEventUnions) {
    for (const component of payloadComponents(spec, { $ref: `#/components/schemas/${union}` })) {
      for (const eventType of discriminatorValues(spec, config, component)) {
        if (byType.has(eventType)) continue;
        notes.push(`"${eventType}" (${component}) is only in components.schemas.${union}, not in webhooks`);
        add({ eventType, component, source: `components.schemas.${union}` });
      }
    }
  }

  for (const [alias, canonical] of Object.entries(config.aliases)) {
    const target = byType.get(canonical);
    if (target === undefined) throw new Error(`${spec.file}: alias ${alias} → unknown event type ${canonical}`);
    if (byType.has(alias)) throw new Error(`${spec.file}: alias ${alias} is already an event type`);
    notes.push(`"${alias}" is an alias of "${canonical}" (same payload, ${config.discriminator} "${alias}")`);
    add({ eventType: alias, component: target.component, source: `alias of ${canonical}` });
  }

  const entries = [...byType.values()].sort((a, b) => compareStrings(a.eventType, b.eventType));
  return { entries, notes: notes.sort(compareStrings) };
}

function requestSchema(spec: LoadedSpec, key: string, item: unknown): unknown {
  const post = isRecord(item) ? item.post : undefined;
  const body = isRecord(post) ? post.requestBody : undefined;
  const content = isRecord(body) ? body.content : undefined;
  const json = isRecord(content) ? content['application/json'] : undefined;
  if (!isRecord(json) || json.schema === undefined) throw new Error(`${spec.file}: webhook ${key} has no JSON request body`);
  return json.schema;
}

/** The named components a payload schema stands for: a `$ref`, or a `oneOf`/`anyOf` of them. */
function payloadComponents(spec: LoadedSpec, schema: unknown): string[] {
  if (!isRecord(schema)) throw new Error(`${spec.file}: payload schema is not an object`);
  if (typeof schema.$ref === 'string') {
    const name = resolveAlias(spec, componentName(schema.$ref));
    const component = spec.components[name];
    if (isRecord(component) && component.properties === undefined) {
      const arms = component.oneOf ?? component.anyOf;
      if (Array.isArray(arms)) return arms.flatMap((arm) => payloadComponents(spec, arm));
    }
    return [name];
  }
  const arms = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(arms)) return arms.flatMap((arm) => payloadComponents(spec, arm));
  throw new Error(`${spec.file}: inline payload schemas are not supported (${JSON.stringify(schema).slice(0, 80)})`);
}

function discriminatorValues(spec: LoadedSpec, config: ProviderConfig, component: string): string[] {
  const schema = spec.components[component];
  const properties = isRecord(schema) && isRecord(schema.properties) ? schema.properties : {};
  const property = properties[config.discriminator];
  if (isRecord(property)) {
    if (typeof property.const === 'string') return [property.const];
    const values: unknown = property.enum;
    if (Array.isArray(values) && values.every((value) => typeof value === 'string')) return values as string[];
  }
  throw new Error(`${spec.file}: ${component}.${config.discriminator} is neither a string const nor a string enum`);
}

function globMatches(pattern: string, value: string): boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^.]+');
  return new RegExp(`^${source}$`).test(value);
}

/** Code-unit order, so the output never depends on the machine's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
