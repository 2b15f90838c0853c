/** One schema violation, reduced to what is safe to store and show (no payload values). */
export interface ValidationIssue {
  /** JSON Pointer into the payload, e.g. `/data/epochData/0/dataTypeId`. */
  readonly path: string;
  readonly message: string;
}

/**
 * How a payload that passed the gate differs from the provider's published schema: advisory, never a
 * reason to quarantine. Computed once at receipt and stored with the delivery, so a delivery
 * dispatched later (or reclaimed after a crash) carries the same drift.
 */
export interface Drift {
  /** At most {@link MAX_DRIFT_ISSUES} issues, in the order the validator met them. */
  readonly issues: readonly ValidationIssue[];
  /** Whether the payload has more issues than `issues` lists (the validator stopped counting). */
  readonly truncated: boolean;
}

/** The most drift issues kept per delivery. */
export const MAX_DRIFT_ISSUES = 20;

/**
 * The most errors the conformance validator may create for one payload before it gives up. Larger than
 * {@link MAX_DRIFT_ISSUES} because ajv also creates errors for the arms of an `anyOf` that another arm
 * then satisfies; bounded so that a payload of a million bad elements costs a thousand error objects,
 * not millions.
 */
export const CONFORMANCE_ERROR_BUDGET = 1000;
