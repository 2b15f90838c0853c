/**
 * What the gate validators ajv generated ahead of time (`providers/<name>/generated/gate.ts`) and the
 * conformance interpreter (schema-interpreter.ts) need at run time. ajv's standalone code would
 * `require` its own runtime helpers; the generator rewrites those calls to import these instead, so
 * nothing loads ajv and nothing compiles code when wearhook runs.
 */

/** A validator function as ajv's standalone code defines it. */
export interface StandaloneValidateFunction {
  (data: unknown): boolean;
  errors?: readonly StandaloneError[] | null;
}

/** The fields of an ajv error object that wearhook reads. */
export interface StandaloneError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** The generated validators of one provider and one level, by event type. */
export type StandaloneValidators = Readonly<Record<string, StandaloneValidateFunction>>;

/**
 * The error budget of the conformance validator that is running. The interpreter calls {@link collect}
 * for each error it creates and {@link refund} when it drops errors (the arms of an `anyOf` another arm
 * satisfied), so `left` bounds the errors a payload really has, not the guesses on the way. At zero
 * `collect` throws this object, which `SchemaValidator` catches: a payload of a million bad elements
 * costs a bounded number of error objects. `first` holds the first errors kept, in payload order, for
 * the drift reported then. Validation is synchronous, so one module-level budget serves every call;
 * `SchemaValidator.drift` resets it before each.
 */
export const errorBudget: { left: number; first: StandaloneError[]; keep: number } = {
  left: Number.POSITIVE_INFINITY,
  first: [],
  keep: 0,
};

/** Appends an error for the gate code: `collected` (or a new list) with `error` at its end. */
export function append(collected: StandaloneError[] | null, error: StandaloneError): StandaloneError[] {
  if (collected === null) return [error];
  collected.push(error);
  return collected;
}

/** Appends an error for the conformance interpreter, spending one unit of {@link errorBudget}. */
export function collect(
  collected: StandaloneError[] | null,
  instancePath: string,
  keyword: string,
  params: Readonly<Record<string, unknown>>,
  message: string,
): StandaloneError[] {
  const error: StandaloneError = { instancePath, keyword, params, message };
  if (errorBudget.first.length < errorBudget.keep) errorBudget.first.push(error);
  if (--errorBudget.left < 0) throw errorBudget;
  return append(collected, error);
}

/** Called by the conformance interpreter before it truncates `collected` to `from` errors. */
export function refund(collected: readonly StandaloneError[] | null, from: number): void {
  if (collected === null) return;
  errorBudget.left += collected.length - from;
  const { first } = errorBudget;
  if (first.length === 0) return;
  for (let index = from; index < collected.length; index += 1) {
    const at = first.indexOf(collected[index] as StandaloneError);
    if (at >= 0) first.splice(at, 1);
  }
}

/** Structural equality of JSON values (ajv's `const` and `enum` of objects and arrays). */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a !== a && b !== b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index += 1) if (!equal(a[index], b[index])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !equal((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** A string's length in Unicode code points, as JSON Schema's `minLength`/`maxLength` count it. */
export function ucs2length(value: string): number {
  let length = 0;
  for (let index = 0; index < value.length; index += 1) {
    length += 1;
    const code = value.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < value.length) {
      const next = value.charCodeAt(index + 1);
      if ((next & 0xfc00) === 0xdc00) index += 1;
    }
  }
  return length;
}
