import { createRequire } from 'node:module';

// ajv is a build-time tool of the generator only (a devDependency of the workspace): the validators it
// writes import nothing of it. Only the little used here is typed.
interface AjvInstance {
  addSchema(schema: object): unknown;
}
type AjvClass = new (options: Record<string, unknown>) => AjvInstance;
const require = createRequire(import.meta.url);
const { Ajv } = require('ajv') as { Ajv: AjvClass };
const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: AjvInstance, refs: Record<string, string>) => string }).default;

export interface ValidatorSource {
  /** One schema per event type. */
  readonly schemas: Readonly<Record<string, object>>;
  /** Schemas the event schemas reference by `$id`. */
  readonly shared?: readonly object[];
  /**
   * The payload property that names the event type. The receiver read the type from it, so checking
   * it again against each schema's constant proves nothing; without that check, event types with the
   * same shape (Vital's `.created`/`.updated` pairs, most gates) share one compiled function (or, for
   * conformance, one schema).
   */
  readonly discriminators: readonly string[];
}

// ajv's runtime helpers the standalone code may `require`, and the export of
// packages/core/src/validation/standalone-runtime.ts that replaces each.
const RUNTIME_HELPERS: Readonly<Record<string, string>> = {
  'ajv/dist/runtime/equal': 'equal',
  'ajv/dist/runtime/ucs2length': 'ucs2length',
};

const ERROR_PUSH = /if\(vErrors === null\)\{vErrors = \[(err\d+)\];\}else \{vErrors\.push\(\1\);\}errors\+\+;/g;

/**
 * The source of a TypeScript module exporting `exportName`: the gate validator of every event type of
 * `source`, compiled by ajv ahead of time. The gate stops at the first failure and is needed for every
 * delivery, so all of a provider's gates are one module, loaded with the provider. It imports only
 * wearhook's standalone runtime.
 */
export function emitGateValidators(source: ValidatorSource, exportName: string, header: string): string {
  const { ajv, types, functionOf, ids } = compile(source);
  const refs = Object.fromEntries(ids.map((id, index) => [`v${index}`, id]));
  const { code, helpers, appended } = rewrite(standaloneCode(ajv, refs));
  // ajv writing errors in a way the rewrite does not recognise must fail here, not lose the rewrite.
  if (appended === 0) throw new Error('Rewrote no error pushes in the gate code');
  const exported = new Map<string, string>();
  const body = code.replace(/export const (v\d+) = (\w+);/g, (_match, name: string, fn: string) => {
    exported.set(name, fn);
    return '';
  });
  const entries = types.map((type) => `  ${JSON.stringify(type)}: ${exported.get(`v${functionOf.get(type) ?? -1}`) ?? missing(type)},`);
  return (
    `${header}` +
    `// ajv gate validators compiled ahead of time (ajv standalone code), so nothing is compiled at run time.\n` +
    `// @ts-nocheck -- generated JavaScript; its one export is typed below.\n` +
    `/* eslint-disable */\n` +
    `import type { StandaloneValidators } from '../../../validation/standalone-runtime.js';\n` +
    importHelpers(helpers, '../../../') +
    `\n${body.trim()}\n\n` +
    `/** The gate validator of each event type. */\n` +
    `export const ${exportName}: StandaloneValidators = {\n${entries.join('\n')}\n};\n`
  );
}

interface Compiled {
  readonly ajv: AjvInstance;
  readonly types: readonly string[];
  /** The index in `ids` of each event type's schema. */
  readonly functionOf: ReadonlyMap<string, number>;
  /** The `$id` of each distinct schema, in order of first use. */
  readonly ids: readonly string[];
}

function compile(source: ValidatorSource): Compiled {
  const options = {
    // The gate only needs the first failure.
    allErrors: false,
    strict: false,
    validateFormats: false,
    validateSchema: false,
    // Shared schemas become one function each, called by every event that uses them, instead of
    // being copied into each event's validator.
    inlineRefs: false,
    code: { source: true, esm: true, lines: false },
  };
  const ajv = new Ajv(options);
  for (const schema of source.shared ?? []) ajv.addSchema(schema);
  const types = Object.keys(source.schemas);
  // One function per distinct schema; each event type maps to its schema's function.
  const distinct = new Map<string, number>();
  const functionOf = new Map<string, number>();
  const ids: string[] = [];
  for (const type of types) {
    const schema = withoutDiscriminator(source.schemas[type] ?? {}, source.discriminators);
    const text = JSON.stringify(schema);
    let index = distinct.get(text);
    if (index === undefined) {
      index = distinct.size;
      distinct.set(text, index);
      const id = `urn:wearhook:gate:${index}`;
      ajv.addSchema({ ...schema, $id: id });
      ids.push(id);
    }
    functionOf.set(type, index);
  }
  return { ajv, types, functionOf, ids };
}

/** ajv's standalone code rewritten to use wearhook's standalone runtime, and the helpers it then imports. */
function rewrite(standalone: string): { code: string; helpers: ReadonlySet<string>; appended: number } {
  let code = standalone;
  const helpers = new Set<string>();
  code = code.replace(/require\("([^"]+)"\)\.default/g, (_match, module: string) => {
    const helper = RUNTIME_HELPERS[module];
    if (helper === undefined) throw new Error(`ajv's standalone code needs ${module}, which the standalone runtime does not provide`);
    helpers.add(helper);
    return helper;
  });
  if (/\brequire\(/.test(code)) throw new Error('ajv standalone code still contains require()');
  // Nothing reads an error's schemaPath (issues carry the payload path and message).
  code = code.replace(/schemaPath:"(?:[^"\\]|\\.)*"/g, 'schemaPath:""');
  // Each error ajv creates is appended by five statements; one runtime call says the same in a fifth of
  // the text V8 parses.
  let appended = 0;
  code = code.replace(ERROR_PUSH, (_push, error: string) => {
    appended += 1;
    return `vErrors=append(vErrors,${error});errors++;`;
  });
  // Every error the code creates must go through the runtime: a new ajv that writes it differently
  // must fail here.
  if (/vErrors\.push\(/.test(code)) throw new Error(`Rewrote ${appended} error pushes; some were not recognised`);
  if (appended > 0) helpers.add('append');
  return { code: code.replace('"use strict";', ''), helpers, appended };
}

function importHelpers(helpers: ReadonlySet<string>, up: string): string {
  const names = [...helpers].sort();
  return names.length > 0 ? `import { ${names.join(', ')} } from '${up}validation/standalone-runtime.js';\n` : '';
}

/** The schema without the constraint on its discriminator property (still required). */
export function withoutDiscriminator(schema: object, discriminators: readonly string[]): object {
  const { properties, ...rest } = schema as { properties?: Record<string, object> };
  if (properties === undefined) return schema;
  const kept = Object.fromEntries(Object.entries(properties).filter(([name]) => !discriminators.includes(name)));
  return Object.keys(kept).length === 0 ? rest : { ...rest, properties: kept };
}

function missing(type: string): never {
  throw new Error(`ajv exported no validator for ${type}`);
}
