import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isRecord } from './json-schema.js';

export interface LoadedSpec {
  /** The file name, for headers and messages. */
  readonly file: string;
  readonly title: string;
  readonly version: string;
  readonly webhooks: Readonly<Record<string, unknown>>;
  readonly components: Readonly<Record<string, unknown>>;
}

export function loadSpec(specDir: string, file: string): LoadedSpec {
  const text = readFileSync(join(specDir, file), 'utf8');
  const document: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  if (!isRecord(document)) throw new Error(`${file}: not an OpenAPI document`);
  const info = isRecord(document.info) ? document.info : {};
  const components = isRecord(document.components) ? document.components.schemas : undefined;
  if (!isRecord(document.webhooks) || !isRecord(components)) {
    throw new Error(`${file}: needs a webhooks section and components.schemas`);
  }
  return {
    file,
    title: String(info.title ?? ''),
    version: String(info.version ?? ''),
    webhooks: document.webhooks,
    components,
  };
}

const COMPONENT_PREFIX = '#/components/schemas/';

/** The component name a `$ref` points at. */
export function componentName(ref: string): string {
  if (!ref.startsWith(COMPONENT_PREFIX)) throw new Error(`Unsupported $ref ${ref}: only ${COMPONENT_PREFIX}* is handled`);
  return ref.slice(COMPONENT_PREFIX.length);
}

/** Follows components that are nothing but a `$ref` to another (Terra's `User` → `TerraUser`). */
export function resolveAlias(spec: LoadedSpec, name: string): string {
  const seen = new Set<string>();
  let current = name;
  for (;;) {
    const schema = spec.components[current];
    if (!isRecord(schema)) throw new Error(`${spec.file}: no component ${current}`);
    const keys = Object.keys(schema).filter((key) => key !== 'description' && key !== '$schema');
    if (keys.length !== 1 || typeof schema.$ref !== 'string') return current;
    if (seen.has(current)) throw new Error(`${spec.file}: $ref cycle through ${current}`);
    seen.add(current);
    current = componentName(schema.$ref);
  }
}
