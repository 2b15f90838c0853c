import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

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
 */
export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    private readonly schemas: Readonly<Record<string, object>>,
    /** Schemas that others reference with `$ref` (added once, compiled with their users). */
    sharedSchemas: readonly object[] = [],
  ) {
    // allErrors: the quarantine keeps every problem, not just the first. strict: false because provider
    // specs use keywords (examples, nullable, format names) that ajv's strict mode rejects.
    this.ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    for (const schema of sharedSchemas) this.ajv.addSchema(schema);
  }

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
      validateFn = this.ajv.compile(schema);
      this.compiled.set(eventType, validateFn);
    }
    return validateFn;
  }
}

function toIssue(error: ErrorObject): ValidationIssue {
  const path = error.instancePath === '' ? '/' : error.instancePath;
  const detail =
    error.keyword === 'required'
      ? `must have property ${JSON.stringify((error.params as { missingProperty: string }).missingProperty)}`
      : (error.message ?? error.keyword);
  return { path, message: detail };
}
