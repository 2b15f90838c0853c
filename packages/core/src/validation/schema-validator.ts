import { CONFORMANCE_ERROR_BUDGET, MAX_DRIFT_ISSUES, type Drift, type ValidationIssue } from './drift.js';
import { errorBudget, type ConformanceLoaders, type StandaloneError, type StandaloneValidateFunction, type StandaloneValidators } from './standalone-runtime.js';

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
   * failures are drift. Every event type of `gate` has one, imported by `SchemaValidator.load` on the
   * first delivery of the type: the conformance code of all types is hundreds of kilobytes per
   * provider, which V8 would otherwise parse at every start-up.
   */
  readonly conformance: ConformanceLoaders;
}

/**
 * Validates payloads by event type in two levels with validators ajv compiled ahead of time (see
 * `scripts/generate-provider-schemas.ts`): nothing is compiled at run time, and ajv is not loaded at
 * all. The gates load with the provider; an event type's conformance validator is imported by `load`,
 * which the receiver awaits before the type's first delivery is validated.
 */
export class SchemaValidator {
  /** Conformance validators imported so far, by event type. */
  private readonly conformance = new Map<string, StandaloneValidateFunction>();
  /** Imports under way, so that concurrent first deliveries of a type share one. */
  private readonly loading = new Map<string, Promise<void>>();

  constructor(private readonly validators: ProviderValidators) {}

  /** Whether `eventType` is one this provider has validators for (else: an unknown type). */
  has(eventType: string): boolean {
    return Object.hasOwn(this.validators.gate, eventType);
  }

  /**
   * Imports what `validate(eventType, …)` needs and has not been imported yet: the type's conformance
   * validator. `undefined` when there is nothing to wait for (imported already, or a type `has` denies),
   * so a caller awaits only before the first delivery of a type. Rejects when the module cannot be
   * imported; the next call tries again.
   */
  load(eventType: string): Promise<void> | undefined {
    if (this.conformance.has(eventType) || !this.has(eventType)) return undefined;
    const pending = this.loading.get(eventType);
    if (pending !== undefined) return pending;
    const loader = this.lookup(this.validators.conformance, eventType);
    const loaded = loader()
      .then((module) => {
        this.conformance.set(eventType, module.validate);
      })
      .finally(() => this.loading.delete(eventType));
    this.loading.set(eventType, loaded);
    return loaded;
  }

  /** Imports every event type's validators, for a process that would rather pay for them at start-up. */
  async loadAll(): Promise<void> {
    await Promise.all(Object.keys(this.validators.gate).map((eventType) => this.load(eventType)));
  }

  /**
   * The gate, then (when it passes) conformance. Throws for an event type `has` denies, and for one
   * whose `load` has not completed: drift is never skipped silently.
   */
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
    const conformance = this.conformance.get(eventType) ?? this.notLoaded(eventType);
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

  private lookup<Validators extends StandaloneValidators | ConformanceLoaders>(validators: Validators, eventType: string): NonNullable<Validators[string]> {
    if (!Object.hasOwn(validators, eventType)) throw new Error(`No validator for event type ${JSON.stringify(eventType)}`);
    return validators[eventType] as NonNullable<Validators[string]>;
  }

  private notLoaded(eventType: string): never {
    this.lookup(this.validators.conformance, eventType);
    throw new Error(`The conformance validator of event type ${JSON.stringify(eventType)} is not loaded: await validator.load(eventType) first`);
  }
}

function toIssue(error: StandaloneError): ValidationIssue {
  const path = error.instancePath === '' ? '/' : error.instancePath;
  const detail =
    error.keyword === 'required' ? `must have property ${JSON.stringify(error.params.missingProperty)}` : (error.message ?? error.keyword);
  return { path, message: detail };
}
