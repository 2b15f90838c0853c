import { createRequire } from 'node:module';
import { compactErrors } from './compact-errors.js';

// ajv is a build-time tool of the generator only (a devDependency of the workspace): the validators it
// writes import nothing of it. Only the little used here is typed.
interface AjvInstance {
  addSchema(schema: object): unknown;
}
type AjvClass = new (options: Record<string, unknown>) => AjvInstance;
const require = createRequire(import.meta.url);
const { Ajv } = require('ajv') as { Ajv: AjvClass };
const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: AjvInstance, refs: Record<string, string>) => string }).default;

/** Which of the two validation levels a file holds. */
export type ValidatorLevel = 'gate' | 'conformance';

export interface ValidatorSource {
  /** One schema per event type. */
  readonly schemas: Readonly<Record<string, object>>;
  /** Schemas the event schemas reference by `$id`. */
  readonly shared?: readonly object[];
  /**
   * The payload property that names the event type. The receiver read the type from it, so checking
   * it again against each schema's constant proves nothing; without that check, event types with the
   * same shape (Vital's `.created`/`.updated` pairs, most gates) share one compiled function.
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
const ROLLBACK = /errors = (_errs\d+);if\(vErrors !== null\)\{if\(\1\)\{vErrors\.length = \1;\}else \{vErrors = null;\}\}/g;

/** A module of generated code: where it goes, relative to the provider's `generated` folder, and its text. */
export interface ValidatorModule {
  readonly file: string;
  readonly content: string;
}

/**
 * The source of a TypeScript module exporting `exportName`: the gate validator of every event type of
 * `source`, compiled by ajv ahead of time. The gate stops at the first failure and is needed for every
 * delivery, so all of a provider's gates are one module, loaded with the provider. It imports only
 * wearhook's standalone runtime.
 */
export function emitGateValidators(source: ValidatorSource, exportName: string, header: string): string {
  const { ajv, types, functionOf, ids } = compile('gate', source);
  const refs = Object.fromEntries(ids.map((id, index) => [`v${index}`, id]));
  const { code, helpers, appended } = rewrite('gate', standaloneCode(ajv, refs));
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

/**
 * The conformance validators of `source`, compiled by ajv ahead of time: one module per distinct
 * schema under `conformance/` (each with its copy of the shared schemas' functions it calls), and
 * `conformance.ts`, which maps each event type to a dynamic `import()` of its module. Conformance only
 * computes drift, and the code of all event types is hundreds of kilobytes per provider that V8 would
 * parse at start-up; loaded by type, a process parses only the types it receives, on the first
 * delivery of each. Conformance collects every error (`allErrors`), each of which spends one unit of
 * `errorBudget`, so one payload's work is bounded however many elements fail.
 */
export function emitConformanceValidators(source: ValidatorSource, exportName: string, header: string): ValidatorModule[] {
  const { ajv, types, functionOf, ids } = compile('conformance', source);
  const fileOf = ids.map((_id, index) => `conformance/${moduleName(types.find((type) => functionOf.get(type) === index) ?? missing(`schema ${index}`))}`);
  if (new Set(fileOf.map((file) => file.toLowerCase())).size !== fileOf.length) throw new Error('Two conformance modules would share a file name');
  let appendedInAll = 0;
  const modules = ids.map((id, index): ValidatorModule => {
    const { code, helpers, appended } = rewrite('conformance', standaloneCode(ajv, { validate: id }));
    appendedInAll += appended;
    let exported: string | undefined;
    const body = code.replace(/export const validate = (\w+);/, (_match, fn: string) => {
      exported = fn;
      return '';
    });
    const usedBy = types.filter((type) => functionOf.get(type) === index);
    return {
      file: `${fileOf[index] ?? ''}.ts`,
      content:
        `${header}` +
        `// The ajv conformance validator of ${usedBy.join(', ')}, compiled ahead of time (ajv standalone code).\n` +
        `// @ts-nocheck -- generated JavaScript; its one export is typed below.\n` +
        `/* eslint-disable */\n` +
        `import type { StandaloneValidateFunction } from '../../../../validation/standalone-runtime.js';\n` +
        importHelpers(helpers, '../../../../') +
        `\n${body.trim()}\n\n` +
        `export const validate: StandaloneValidateFunction = ${exported ?? missing(usedBy.join(', '))};\n`,
    };
  });
  if (appendedInAll === 0) throw new Error('Rewrote no error pushes in the conformance code');
  const entries = types.map((type) => `  ${JSON.stringify(type)}: () => import('./${fileOf[functionOf.get(type) ?? -1] ?? missing(type)}.js'),`);
  const index: ValidatorModule = {
    file: 'conformance.ts',
    content:
      `${header}` +
      `// Where each event type's ajv conformance validator is: one module per distinct schema, loaded on\n` +
      `// the first delivery of a type that needs it (SchemaValidator.load), never at start-up.\n` +
      `import type { ConformanceLoaders } from '../../../validation/standalone-runtime.js';\n\n` +
      `/** The conformance validator of each event type, as a module to import. */\n` +
      `export const ${exportName}: ConformanceLoaders = {\n${entries.join('\n')}\n};\n`,
  };
  return [index, ...modules];
}

interface Compiled {
  readonly ajv: AjvInstance;
  readonly types: readonly string[];
  /** The index in `ids` of each event type's schema. */
  readonly functionOf: ReadonlyMap<string, number>;
  /** The `$id` of each distinct schema, in order of first use. */
  readonly ids: readonly string[];
}

function compile(level: ValidatorLevel, source: ValidatorSource): Compiled {
  const options = {
    // Conformance reports every difference (up to the budget); the gate only needs the first.
    allErrors: level === 'conformance',
    strict: false,
    validateFormats: false,
    validateSchema: false,
    // Shared schemas become one function each, called by every event that uses them, instead of
    // being copied into each event's validator: the generated code stays a few hundred kilobytes.
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
      const id = `urn:wearhook:${level}:${index}`;
      ajv.addSchema({ ...schema, $id: id });
      ids.push(id);
    }
    functionOf.set(type, index);
  }
  return { ajv, types, functionOf, ids };
}

/** ajv's standalone code rewritten to use wearhook's standalone runtime, and the helpers it then imports. */
function rewrite(level: ValidatorLevel, standalone: string): { code: string; helpers: ReadonlySet<string>; appended: number } {
  let code = standalone;
  const helpers = new Set<string>();
  code = code.replace(/require\("([^"]+)"\)\.default/g, (_match, module: string) => {
    const helper = RUNTIME_HELPERS[module];
    if (helper === undefined) throw new Error(`ajv's standalone code needs ${module}, which the standalone runtime does not provide`);
    helpers.add(helper);
    return helper;
  });
  if (/\brequire\(/.test(code)) throw new Error('ajv standalone code still contains require()');
  // Nothing reads an error's schemaPath (issues carry the payload path and message), and the paths
  // are a fifth of the code V8 must parse.
  code = code.replace(/schemaPath:"(?:[^"\\]|\\.)*"/g, 'schemaPath:""');
  // Each error ajv creates is appended by five statements; one runtime call says the same in a fifth of
  // the text V8 parses. In conformance code the call also spends error budget.
  const append = level === 'conformance' ? 'collect' : 'append';
  let appended = 0;
  code = code.replace(ERROR_PUSH, (_push, error: string) => {
    appended += 1;
    return `vErrors=${append}(vErrors,${error});errors++;`;
  });
  // Every error the code creates must go through the runtime (and, in conformance code, every one it
  // drops be refunded): a new ajv that writes either differently must fail here, not lose the bound.
  if (/vErrors\.push\(/.test(code)) throw new Error(`Rewrote ${appended} error pushes; some were not recognised`);
  if (appended > 0) helpers.add(append);
  if (level === 'conformance') {
    let refunded = 0;
    code = code.replace(ROLLBACK, (rollback, from: string) => {
      refunded += 1;
      return `refund(vErrors,${from});${rollback}`;
    });
    const truncations = (code.match(/vErrors\.length = /g) ?? []).length;
    if (truncations !== refunded) throw new Error(`Refunded ${refunded} of ${truncations} rollbacks in the conformance code`);
    // A schema whose code never drops errors has nothing to refund.
    if (refunded > 0) helpers.add('refund');
  }
  // Conformance code only: the gate's is loaded with the provider and small, and creates some errors
  // as empty placeholders (`{}`) that compaction would have to special-case.
  if (level === 'conformance') code = compactErrors(code, append);
  return { code: code.replace('"use strict";', ''), helpers, appended };
}

function importHelpers(helpers: ReadonlySet<string>, up: string): string {
  const names = [...helpers].sort();
  return names.length > 0 ? `import { ${names.join(', ')} } from '${up}validation/standalone-runtime.js';\n` : '';
}

/** A file name for an event type's module: the type itself where it is safe in a path. */
function moduleName(type: string): string {
  return type.replace(/[^A-Za-z0-9._-]/g, '-');
}

/** The schema without the constraint on its discriminator property (still required). */
function withoutDiscriminator(schema: object, discriminators: readonly string[]): object {
  const { properties, ...rest } = schema as { properties?: Record<string, object> };
  if (properties === undefined) return schema;
  const kept = Object.fromEntries(Object.entries(properties).filter(([name]) => !discriminators.includes(name)));
  return Object.keys(kept).length === 0 ? rest : { ...rest, properties: kept };
}

function missing(type: string): never {
  throw new Error(`ajv exported no validator for ${type}`);
}
