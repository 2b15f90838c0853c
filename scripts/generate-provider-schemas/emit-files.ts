import type { ProviderModel } from './build-model.js';
import { emitTypes } from './emit-types-file.js';
import { header, names } from './file-header.js';
import { printJson, templateLiteral } from './print-json.js';

export interface GeneratedFile {
  /** Relative to the repository root, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

/** The three generated files of one provider: event types, schemas, payload types. */
export function emitProviderFiles(model: ProviderModel): GeneratedFile[] {
  const dir = `packages/core/src/providers/${model.config.provider}/generated`;
  return [
    { path: `${dir}/event-types.ts`, content: emitEventTypes(model) },
    { path: `${dir}/schemas.ts`, content: emitSchemas(model) },
    { path: `${dir}/types.ts`, content: emitTypes(model) },
  ];
}

function emitEventTypes(model: ProviderModel): string {
  const { prefix, lower } = names(model);
  const lines = [...model.eventSchemas.keys()].map((eventType) => `  ${JSON.stringify(eventType)},`);
  return (
    `${header(model)}\n` +
    `/** Every event type that has a schema and a payload type, sorted. */\n` +
    `export const ${lower}EventTypes = [\n${lines.join('\n')}\n] as const;\n\n` +
    `export type ${prefix}EventType = (typeof ${lower}EventTypes)[number];\n`
  );
}

function emitSchemas(model: ProviderModel): string {
  const { prefix, lower } = names(model);
  const events = printJson(Object.fromEntries(model.eventSchemas));
  const shared = printJson([...model.sharedSchemas.values()]);
  return (
    `${header(model)}\n` +
    `import { lazyJsonArray, lazyJsonRecord } from '../../../validation/lazy-json.js';\n` +
    `import { ${lower}EventTypes, type ${prefix}EventType } from './event-types.js';\n\n` +
    `// JSON text rather than object literals: the compiler would infer a type for every nested schema\n` +
    `// (about a second of every typecheck), and JSON.parse is faster than evaluating literals. Parsed on\n` +
    `// first read, not at import (see lazy-json.ts): validation does not read them (it runs the validators\n` +
    `// compiled from them ahead of time, gate.ts and conformance.ts); samples and applications may.\n\n` +
    `/** One JSON Schema per event type; their \`$ref\`s name schemas of \`${lower}SharedSchemas\` by \`$id\`. */\n` +
    `export const ${lower}EventSchemas: Readonly<Record<${prefix}EventType, object>> = lazyJsonRecord(${lower}EventTypes, ${templateLiteral(events)});\n\n` +
    `/** The schemas the event schemas reference by \`$id\`, each once. */\n` +
    `export const ${lower}SharedSchemas: readonly object[] = lazyJsonArray(${model.sharedSchemas.size}, ${templateLiteral(shared)});\n`
  );
}
