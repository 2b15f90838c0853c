import { CONFORMANCE_ERROR_BUDGET, MAX_DRIFT_ISSUES, type Drift, type ValidationIssue } from './drift.js';
import { errorBudget, type StandaloneError, type StandaloneValidators } from './standalone-runtime.js';

export type { Drift, ValidationIssue } from './drift.js';

/**
 * A gate failure (`valid: false`, with the first issue found) or a typed event, with the drift from
 * the published schema when there is any.
 */
export type ValidationResult =
  | { readonly valid: true; readonly drift: Drift | undefined }
  | { readonly valid: false; readonly issues: readonly ValidationIssue[] };

/** The two levels of generated validators of one provider, by event type. */
export interface ProviderValidators {
  /**
   * What wearhook needs to build the typed event: type, user id, container shapes, record-key fields.
   * Compiled without `allErrors`: it stops at the first failure.
   */
  readonly gate: StandaloneValidators;
  /**
   * The provider's published schema, widened to what providers are seen to send. Advisory: its
   * failures are drift. Every event type of `gate` has one.
   */
  readonly conformance: StandaloneValidators;
}

/**
 * Validates payloads by event type in two levels with validators ajv compiled ahead of time (see
 * `scripts/generate-provider-schemas.ts`): nothing is compiled at run time, so the first delivery
 * costs what every other one does, and ajv is not loaded at all.
 */
export class SchemaValidator {
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
    const conformance = this.lookup(this.validators.conformance, eventType);
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

  private lookup(validators: StandaloneValidators, eventType: string) {
    if (!Object.hasOwn(validators, eventType)) throw new Error(`No validator for event type ${JSON.stringify(eventType)}`);
    return validators[eventType] as NonNullable<StandaloneValidators[string]>;
  }
}

function toIssue(error: StandaloneError): ValidationIssue {
  const path = error.instancePath === '' ? '/' : error.instancePath;
  const detail =
    error.keyword === 'required' ? `must have property ${JSON.stringify(error.params.missingProperty)}` : (error.message ?? error.keyword);
  return { path, message: detail };
}
