import { createRequire } from 'node:module';
import type * as AjvModule from 'ajv';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';

/** One schema violation, reduced to what is safe to store and show (no payload values). */
export interface ValidationIssue {
  /** JSON Pointer into the payload, e.g. `/data/epochData/0/dataTypeId`. */
  readonly path: string;
  readonly message: string;
}

export type ValidationResult = { readonly valid: true } | { readonly valid: false; readonly issues: readonly ValidationIssue[] };

/**
 * Validates payloads against JSON Schemas keyed by event type. Each schema is compiled by ajv the first
 * time a delivery of its type arrives, so loading a provider with hundreds of event types costs nothing
 * at start-up; the compiled function is kept for every later delivery.
 *
 * Nothing happens at construction either: ajv is loaded, its instance made and the shared schemas
 * registered on the first `validate` (or `compileAll`), so an application pays for a provider's schemas
 * only once it receives that provider's deliveries. The schemas are not checked against the JSON Schema
 * meta-schema (ajv's `validateSchema: false`): see `instance()` for why.
 */
export class SchemaValidator {
  private ajv: Ajv | undefined;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    private readonly schemas: Readonly<Record<string, object>>,
    /** Schemas that others reference with `$ref` (added once, on first use, compiled with their users). */
    private readonly sharedSchemas: readonly object[] = [],
  ) {}

  has(eventType: string): boolean {
    return Object.hasOwn(this.schemas, eventType);
  }

  validate(eventType: string, payload: unknown): ValidationResult {
    const validateFn = this.compile(eventType);
    if (validateFn(payload)) return { valid: true };
    return { valid: false, issues: (validateFn.errors ?? []).map(toIssue) };
  }

  /** Compiles every schema now; for servers that prefer paying the cost at start-up. */
  compileAll(): void {
    for (const eventType of Object.keys(this.schemas)) this.compile(eventType);
  }

  private compile(eventType: string): ValidateFunction {
    let validateFn = this.compiled.get(eventType);
    if (validateFn === undefined) {
      const schema = this.schemas[eventType];
      if (schema === undefined) throw new Error(`No schema for event type ${JSON.stringify(eventType)}`);
      validateFn = this.instance().compile(schema);
      this.compiled.set(eventType, validateFn);
    }
    return validateFn;
  }

  /** The ajv instance, made on first use with the shared schemas registered. */
  private instance(): Ajv {
    if (this.ajv === undefined) {
      const AjvClass = loadAjv();
      // allErrors: the quarantine keeps every problem, not just the first. strict: false because provider
      // specs use keywords (examples, nullable, format names) that ajv's strict mode rejects.
      // validateSchema: false: ajv would otherwise check every schema it is given against the draft-07
      // meta-schema, which first compiles that meta-schema: about 60–100 ms per validator, on the first
      // delivery of each provider. wearhook's schemas are generated from the providers' specs (Terra,
      // Vital) or written by hand (Thryve), and the tests compile every one of them and check each
      // against valid and invalid payloads, so the check finds nothing at run time. A malformed schema
      // passed in by an application still fails when it is compiled for most mistakes (an unknown type,
      // a keyword value of the wrong type, a `$ref` to nothing), just not with the meta-schema's message.
      // code.optimize: false skips ajv's clean-up pass over the code it generates: a quarter less time
      // compiling a large schema (Terra's activity, 130 → 100 ms on Node 20), and the compiled validators
      // measured as fast as optimised ones (V8 removes the same dead code).
      const ajv = new AjvClass({
        allErrors: true,
        strict: false,
        validateFormats: false,
        validateSchema: false,
        code: { optimize: false },
      });
      for (const schema of this.sharedSchemas) ajv.addSchema(schema);
      this.ajv = ajv;
    }
    return this.ajv;
  }
}

let ajvClass: typeof AjvModule.Ajv | undefined;

/**
 * ajv's class, required on first use rather than imported: loading ajv's modules costs 35–50 ms, most of
 * an application's start-up with wearhook, and many processes that import wearhook never validate a
 * delivery (workers, scripts, tests of other code). `require` keeps `validate` synchronous, which a
 * dynamic `import()` would not. ajv is resolved from this package, as an `import` would resolve it; a
 * bundler that does not follow `createRequire` must keep `ajv` external (installed beside the bundle).
 */
function loadAjv(): typeof AjvModule.Ajv {
  ajvClass ??= (createRequire(import.meta.url)('ajv') as typeof AjvModule).Ajv;
  return ajvClass;
}

function toIssue(error: ErrorObject): ValidationIssue {
  const path = error.instancePath === '' ? '/' : error.instancePath;
  const detail =
    error.keyword === 'required'
      ? `must have property ${JSON.stringify((error.params as { missingProperty: string }).missingProperty)}`
      : (error.message ?? error.keyword);
  return { path, message: detail };
}
