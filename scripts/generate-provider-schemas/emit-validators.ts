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

/**
 * The source of a TypeScript module exporting `exportName`: the validator of every event type of
 * `source`, compiled by ajv ahead of time. The gate stops at the first failure; conformance collects
 * every error (`allErrors`), each of which spends one unit of `errorBudget`, so one payload's work is
 * bounded however many elements fail. The module imports only wearhook's standalone runtime.
 */
export function emitValidators(level: ValidatorLevel, source: ValidatorSource, exportName: string, header: string): string {
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
  const refs: Record<string, string> = {};
  for (const type of types) {
    const schema = withoutDiscriminator(source.schemas[type] ?? {}, source.discriminators);
    const text = JSON.stringify(schema);
    let index = distinct.get(text);
    if (index === undefined) {
      index = distinct.size;
      distinct.set(text, index);
      const id = `urn:wearhook:${level}:${index}`;
      ajv.addSchema({ ...schema, $id: id });
      refs[`v${index}`] = id;
    }
    functionOf.set(type, index);
  }
  let code = standaloneCode(ajv, refs);

  const helpers = new Set<string>();
  code = code.replace(/require\("([^"]+)"\)\.default/g, (_match, module: string) => {
    const helper = RUNTIME_HELPERS[module];
    if (helper === undefined) throw new Error(`ajv's standalone code needs ${module}, which the standalone runtime does not provide`);
    helpers.add(helper);
    return helper;
  });
  if (/\brequire\(/.test(code)) throw new Error('ajv standalone code still contains require()');
  // Nothing reads an error's schemaPath (issues carry the payload path and message), and the paths
  // are a fifth of the code V8 must parse at start-up.
  code = code.replace(/schemaPath:"(?:[^"\\]|\\.)*"/g, 'schemaPath:""');
  // Each error ajv creates is appended by five statements; one runtime call says the same in a fifth of
  // the text V8 parses at start-up. In conformance code the call also spends error budget.
  const append = level === 'conformance' ? 'collect' : 'append';
  let appended = 0;
  code = code.replace(ERROR_PUSH, (_push, error: string) => {
    appended += 1;
    return `vErrors=${append}(vErrors,${error});errors++;`;
  });
  // Every error the code creates must go through the runtime (and, in conformance code, every one it
  // drops be refunded): a new ajv that writes either differently must fail here, not lose the bound.
  if (appended === 0 || /vErrors\.push\(/.test(code)) throw new Error(`Rewrote ${appended} error pushes; some were not recognised`);
  helpers.add(append);
  if (level === 'conformance') {
    let refunded = 0;
    code = code.replace(ROLLBACK, (rollback, from: string) => {
      refunded += 1;
      return `refund(vErrors,${from});${rollback}`;
    });
    const truncations = (code.match(/vErrors\.length = /g) ?? []).length;
    if (truncations !== refunded) throw new Error(`Refunded ${refunded} of ${truncations} rollbacks in the conformance code`);
    helpers.add('refund');
  }
  // `export const v0 = validate12;` → a typed record by event type, below.
  const exported = new Map<string, string>();
  code = code.replace(/export const (v\d+) = (\w+);/g, (_match, name: string, fn: string) => {
    exported.set(name, fn);
    return '';
  });
  code = code.replace('"use strict";', '');
  const entries = types.map((type) => `  ${JSON.stringify(type)}: ${exported.get(`v${functionOf.get(type) ?? -1}`) ?? missing(type)},`);
  const imports = [...helpers].sort();
  return (
    `${header}` +
    `// ajv ${level} validators compiled ahead of time (ajv standalone code), so nothing is compiled at run time.\n` +
    `// @ts-nocheck -- generated JavaScript; its one export is typed below.\n` +
    `/* eslint-disable */\n` +
    `import type { StandaloneValidators } from '../../../validation/standalone-runtime.js';\n` +
    (imports.length > 0 ? `import { ${imports.join(', ')} } from '../../../validation/standalone-runtime.js';\n` : '') +
    `\n${code.trim()}\n\n` +
    `/** The ${level} validator of each event type. */\n` +
    `export const ${exportName}: StandaloneValidators = {\n${entries.join('\n')}\n};\n`
  );
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
