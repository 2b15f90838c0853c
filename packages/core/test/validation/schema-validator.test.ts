import { beforeAll, describe, expect, it } from 'vitest';
import { vitalProvider } from '../../src/providers/vital/provider.js';
import { CONFORMANCE_ERROR_BUDGET, MAX_DRIFT_ISSUES } from '../../src/validation/drift.js';
import { SchemaValidator } from '../../src/validation/schema-validator.js';
import { errorBudget, type ConformanceLoaders, type StandaloneValidateFunction, type StandaloneValidators } from '../../src/validation/standalone-runtime.js';

const HEARTRATE = 'daily.data.heartrate.created';

function heartrate(samples: readonly unknown[]): unknown {
  return { event_type: HEARTRATE, user_id: 'u-1', client_user_id: 'c-1', team_id: 't-1', data: { source: { provider: 'oura' }, data: samples } };
}

/** A validator function as the generator writes them, failing with the given errors. */
function failing(...errors: { instancePath: string; keyword: string; params?: Record<string, unknown>; message?: string }[]): StandaloneValidateFunction {
  const fn: StandaloneValidateFunction = () => {
    fn.errors = errors.map((error) => ({ params: {}, ...error }));
    return false;
  };
  return fn;
}
const passing: StandaloneValidateFunction = () => true;

/** Conformance loaders that resolve to the given functions, as the generated dynamic imports do. */
function modules(validators: StandaloneValidators): ConformanceLoaders {
  return Object.fromEntries(Object.entries(validators).map(([type, validate]) => [type, () => Promise.resolve({ validate })]));
}

/** A validator whose conformance validators are all imported, as after each type's first delivery. */
async function loaded(gate: StandaloneValidators, conformance: StandaloneValidators): Promise<SchemaValidator> {
  const validator = new SchemaValidator({ gate, conformance: modules(conformance) });
  await validator.loadAll();
  return validator;
}

beforeAll(() => vitalProvider.validator.loadAll());

describe('SchemaValidator', () => {
  it('knows the event types it has gates for', async () => {
    const validator = await loaded({ ping: passing }, { ping: passing });
    expect(validator.has('ping')).toBe(true);
    expect(validator.has('pong')).toBe(false);
    expect(validator.has('toString')).toBe(false);
    expect(() => validator.validate('pong', {})).toThrow(/No validator for event type "pong"/);
  });

  it('a gate failure is invalid with its first issue; conformance is not consulted', async () => {
    let conformanceRan = false;
    const conformance: StandaloneValidateFunction = () => {
      conformanceRan = true;
      return true;
    };
    const validator = await loaded(
      { ping: failing({ instancePath: '/user', keyword: 'required', params: { missingProperty: 'user_id' } }, { instancePath: '/x', keyword: 'type', message: 'must be string' }) },
      { ping: conformance },
    );
    expect(validator.validate('ping', {})).toEqual({ valid: false, issues: [{ path: '/user', message: 'must have property "user_id"' }] });
    expect(conformanceRan).toBe(false);
  });

  it('a conformance failure is drift on a valid result, capped at MAX_DRIFT_ISSUES', async () => {
    const many = Array.from({ length: MAX_DRIFT_ISSUES + 5 }, (_, index) => ({ instancePath: `/data/${index}`, keyword: 'type', message: 'must be number' }));
    const few = await loaded({ ping: passing }, { ping: failing({ instancePath: '', keyword: 'type', message: 'must be object' }) });
    expect(few.validate('ping', [])).toEqual({ valid: true, drift: { issues: [{ path: '/', message: 'must be object' }], truncated: false } });
    const capped = (await loaded({ ping: passing }, { ping: failing(...many) })).validate('ping', {});
    expect(capped).toMatchObject({ valid: true, drift: { truncated: true } });
    expect(capped.valid && capped.drift?.issues).toHaveLength(MAX_DRIFT_ISSUES);
  });

  it('a payload that conforms has no drift', async () => {
    expect((await loaded({ ping: passing }, { ping: passing })).validate('ping', {})).toEqual({ valid: true, drift: undefined });
  });

  it('rethrows errors other than an exhausted budget, and leaves the budget reset', async () => {
    const broken: StandaloneValidateFunction = () => {
      throw new RangeError('bug');
    };
    const validator = await loaded({ ping: passing }, { ping: broken });
    expect(() => validator.validate('ping', {})).toThrow(RangeError);
    expect(errorBudget.left).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('SchemaValidator.load: conformance validators imported by type', () => {
  function counting(validate: StandaloneValidateFunction): { loaders: ConformanceLoaders; imports: () => number } {
    let imports = 0;
    const loaders: ConformanceLoaders = {
      ping: () => {
        imports += 1;
        return Promise.resolve({ validate });
      },
    };
    return { loaders, imports: () => imports };
  }

  it('imports a type once, on demand; has nothing to wait for afterwards, nor for unknown types', async () => {
    const { loaders, imports } = counting(passing);
    const validator = new SchemaValidator({ gate: { ping: passing, pong: passing }, conformance: { ...loaders, pong: () => Promise.reject(new Error('not this one')) } });
    expect(imports()).toBe(0);
    const first = validator.load('ping');
    const concurrent = validator.load('ping');
    expect(first).toBeInstanceOf(Promise);
    expect(concurrent).toBe(first);
    await first;
    expect(imports()).toBe(1);
    expect(validator.load('ping')).toBeUndefined();
    expect(validator.load('unknown')).toBeUndefined();
    expect(validator.validate('ping', {})).toEqual({ valid: true, drift: undefined });
  });

  it('refuses to validate a type whose conformance validator is not loaded, rather than skip its drift', () => {
    const validator = new SchemaValidator({ gate: { ping: passing }, conformance: counting(passing).loaders });
    expect(() => validator.validate('ping', {})).toThrow(/conformance validator of event type "ping" is not loaded/);
    expect(() => validator.drift('ping', {})).toThrow(/not loaded/);
    // The gate alone needs nothing imported.
    expect(validator.gate('ping', {})).toBeUndefined();
  });

  it('a failed import rejects, and the next load tries again', async () => {
    let attempts = 0;
    const validator = new SchemaValidator({
      gate: { ping: passing },
      conformance: {
        ping: () => {
          attempts += 1;
          return attempts === 1 ? Promise.reject(new Error('chunk missing')) : Promise.resolve({ validate: failing({ instancePath: '/a', keyword: 'type', message: 'must be number' }) });
        },
      },
    });
    await expect(validator.load('ping')).rejects.toThrow('chunk missing');
    await validator.load('ping');
    expect(attempts).toBe(2);
    expect(validator.validate('ping', {})).toEqual({ valid: true, drift: { issues: [{ path: '/a', message: 'must be number' }], truncated: false } });
  });

  it('the generated loaders import a real module per type: drift is computed once loaded', async () => {
    const validator = new SchemaValidator({ gate: { [HEARTRATE]: passing }, conformance: { [HEARTRATE]: () => import('../../src/providers/vital/generated/conformance/daily.data.heartrate.created.js') } });
    await validator.load(HEARTRATE);
    const result = validator.validate(HEARTRATE, heartrate([{ timestamp: '2024-05-01T07:00:00+00:00', value: 'high' }]));
    expect(result).toEqual({ valid: true, drift: { issues: [{ path: '/data/data/0/value', message: 'must be number,null' }], truncated: false } });
  });
});

describe('generated validators: bounded work (issue 10 D1)', () => {
  it('a million empty samples fail the gate at the first one, fast', () => {
    const payload = heartrate(Array.from({ length: 1_000_000 }, () => ({})));
    const started = performance.now();
    const result = vitalProvider.validator.validate(HEARTRATE, payload);
    const elapsed = performance.now() - started;
    expect(result).toEqual({ valid: false, issues: [{ path: '/data/data/0', message: 'must have property "timestamp"' }] });
    expect(elapsed).toBeLessThan(100);
  });

  it('a million drifting samples stop collecting at the error budget and report the first issues in order', () => {
    const samples = Array.from({ length: 1_000_000 }, (_, index) => ({ timestamp: '2024-05-01T07:00:00+00:00', value: `v${index}` }));
    const started = performance.now();
    const result = vitalProvider.validator.validate(HEARTRATE, heartrate(samples));
    const elapsed = performance.now() - started;
    expect(result.valid).toBe(true);
    const drift = result.valid ? result.drift : undefined;
    expect(drift?.truncated).toBe(true);
    expect(drift?.issues).toHaveLength(MAX_DRIFT_ISSUES);
    expect(drift?.issues[0]).toEqual({ path: '/data/data/0/value', message: 'must be number,null' });
    expect(drift?.issues[MAX_DRIFT_ISSUES - 1]?.path).toBe(`/data/data/${MAX_DRIFT_ISSUES - 1}/value`);
    // Stopping at the budget means the conformance pass touched about CONFORMANCE_ERROR_BUDGET samples.
    expect(elapsed).toBeLessThan(1000);
    expect(errorBudget.left).toBe(Number.POSITIVE_INFINITY);
  });

  it('errors of anyOf arms that another arm satisfies are refunded: they never exhaust the budget', () => {
    // An id as a numeric string fails the integer arm of its anyOf before the string arm matches:
    // three times the budget of such guesses must still conform.
    const samples = Array.from({ length: CONFORMANCE_ERROR_BUDGET * 3 }, () => ({ timestamp: '2024-05-01T07:00:00+00:00', value: null, id: '12345' }));
    expect(vitalProvider.validator.validate(HEARTRATE, heartrate(samples))).toEqual({ valid: true, drift: undefined });
  });
});
