import { CONFORMANCE_ERROR_BUDGET, MAX_DRIFT_ISSUES, type Drift, type ValidationIssue } from './drift.js';
import { sharedSchema, type ConformanceSchemas } from './conformance-schemas.js';
import { SchemaInterpreter, type InterpretedSchema } from './schema-interpreter.js';
import { errorBudget, type StandaloneError, type StandaloneValidateFunction, type StandaloneValidators } from './standalone-runtime.js';

export type { Drift, ValidationIssue } from './drift.js';

/**
 * A gate failure (`valid: false`, with the first issue found) or a typed event, with the drift from
 * the published schema when there is any.
 */
export type ValidationResult =
  | { readonly valid: true; readonly drift: Drift | undefined }
  | { readonly valid: false; readonly issues: readonly ValidationIssue[] };

/** The two levels of validation of one provider, by event type. */
export interface ProviderValidators {
  /**
   * What wearhook needs to build the typed event: type, user id, container shapes, record-key fields.
   * Compiled by ajv ahead of time, without `allErrors`: it stops at the first failure.
   */
  readonly gate: StandaloneValidators;
  /**
   * The provider's published schema, widened to what providers are seen to send. Advisory: its
   * failures are drift. Every event type of `gate` has one, interpreted (not compiled) on the first
   * delivery of the type.
   */
  readonly conformance: ConformanceSchemas;
}

/**
 * Validates payloads by event type in two levels: the gate, with validators ajv compiled ahead of time
 * (see `scripts/generate-provider-schemas.ts`), and conformance, by interpreting the published schema
 * (schema-interpreter.ts), with ajv's errors. Nothing is compiled or imported at run time, and ajv is
 * not loaded at all. A type's conformance schema is parsed on the type's first delivery: a few hundred
 * microseconds, where importing and compiling ajv's code for it took milliseconds.
 */
export class SchemaValidator {
  /** Conformance validators built so far, by index of their schema. */
  private readonly conformance = new Map<number, StandaloneValidateFunction>();
  private interpreter: SchemaInterpreter | undefined;

  constructor(private readonly validators: ProviderValidators) {}

  /** Whether `eventType` is one this provider has validators for (else: an unknown type). */
  has(eventType: string): boolean {
    return Object.hasOwn(this.validators.gate, eventType);
  }

  /** The gate, then (when it passes) conformance. Throws for an event type `has` denies. */
  validate(eventType: string, payload: unknown): ValidationResult {
    const issues = this.gate(eventType, payload);
    return issues === undefined ? { valid: true, drift: this.drift(eventType, payload) } : { valid: false, issues };
  }

  /** The gate's first issue, or `undefined` when the payload passes. */
  gate(eventType: string, payload: unknown): readonly ValidationIssue[] | undefined {
    const gate = this.lookup(this.validators.gate, eventType);
    if (gate(payload)) return undefined;
    return (gate.errors ?? []).slice(0, 1).map(toIssue);
  }

  /**
   * How the payload differs from the published schema: at most `MAX_DRIFT_ISSUES` issues, found with
   * bounded work (the validator stops after `CONFORMANCE_ERROR_BUDGET` errors), or `undefined` when it
   * conforms.
   */
  drift(eventType: string, payload: unknown): Drift | undefined {
    const conformance = this.conformanceOf(eventType);
    let errors: readonly StandaloneError[];
    let exhausted = false;
    errorBudget.left = CONFORMANCE_ERROR_BUDGET;
    errorBudget.first = [];
    errorBudget.keep = MAX_DRIFT_ISSUES;
    try {
      if (conformance(payload)) return undefined;
      errors = conformance.errors ?? [];
    } catch (error) {
      if (error !== errorBudget) throw error;
      errors = errorBudget.first;
      exhausted = true;
    } finally {
      errorBudget.left = Number.POSITIVE_INFINITY;
      errorBudget.first = [];
      errorBudget.keep = 0;
    }
    return { issues: errors.slice(0, MAX_DRIFT_ISSUES).map(toIssue), truncated: exhausted || errors.length > MAX_DRIFT_ISSUES };
  }

  private lookup<Validators extends StandaloneValidators | Readonly<Record<string, number>>>(validators: Validators, eventType: string): NonNullable<Validators[string]> {
    if (!Object.hasOwn(validators, eventType)) throw new Error(`No validator for event type ${JSON.stringify(eventType)}`);
    return validators[eventType] as NonNullable<Validators[string]>;
  }

  private conformanceOf(eventType: string): StandaloneValidateFunction {
    const schemas = this.validators.conformance;
    const index = this.lookup(schemas.eventTypes, eventType);
    let validate = this.conformance.get(index);
    if (validate === undefined) {
      this.interpreter ??= new SchemaInterpreter((id) => sharedSchema(schemas, id));
      validate = this.interpreter.compile(JSON.parse(schemas.schemas[index]!) as InterpretedSchema);
      this.conformance.set(index, validate);
    }
    return validate;
  }
}

function toIssue(error: StandaloneError): ValidationIssue {
  const path = error.instancePath === '' ? '/' : error.instancePath;
  const detail =
    error.keyword === 'required' ? `must have property ${JSON.stringify(error.params.missingProperty)}` : (error.message ?? error.keyword);
  return { path, message: detail };
}
