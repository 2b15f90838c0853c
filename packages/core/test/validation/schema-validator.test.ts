import { describe, expect, it } from 'vitest';
import { vitalProvider } from '../../src/providers/vital/provider.js';
import { CONFORMANCE_ERROR_BUDGET, MAX_DRIFT_ISSUES } from '../../src/validation/drift.js';
import { SchemaValidator } from '../../src/validation/schema-validator.js';
import type { ConformanceSchemas } from '../../src/validation/conformance-schemas.js';
import { errorBudget, type StandaloneValidateFunction } from '../../src/validation/standalone-runtime.js';

const HEARTRATE = 'daily.data.heartrate.created';

function heartrate(samples: readonly unknown[]): unknown {
  return { event_type: HEARTRATE, user_id: 'u-1', client_user_id: 'c-1', team_id: 't-1', data: { source: { provider: 'oura' }, data: samples } };
}

/** A gate validator as the generator writes them, failing with the given errors. */
function failing(...errors: { instancePath: string; keyword: string; params?: Record<string, unknown>; message?: string }[]): StandaloneValidateFunction {
  const fn: StandaloneValidateFunction = () => {
    fn.errors = errors.map((error) => ({ params: {}, ...error }));
    return false;
  };
  return fn;
}
const passing: StandaloneValidateFunction = () => true;

/** Conformance schemas as the generator writes them: JSON text, one entry per distinct schema. */
function schemas(byType: Record<string, object>, shared: Record<string, object> = {}): ConformanceSchemas {
  const texts = [...new Set(Object.values(byType).map((schema) => JSON.stringify(schema)))];
  return {
    eventTypes: Object.fromEntries(Object.entries(byType).map(([type, schema]) => [type, texts.indexOf(JSON.stringify(schema))])),
    schemas: texts,
    shared: Object.fromEntries(Object.entries(shared).map(([id, schema]) => [id, JSON.stringify(schema)])),
  };
}

describe('SchemaValidator', () => {
  it('knows the event types it has gates for', () => {
    const validator = new SchemaValidator({ gate: { ping: passing }, conformance: schemas({ ping: {} }) });
    expect(validator.has('ping')).toBe(true);
    expect(validator.has('pong')).toBe(false);
    expect(validator.has('toString')).toBe(false);
    expect(() => validator.validate('pong', {})).toThrow(/No validator for event type "pong"/);
  });

  it('a gate failure is invalid with its first issue; conformance is not consulted', () => {
    // Consulting this conformance schema would throw: it refers to a schema that does not exist.
    const validator = new SchemaValidator({
      gate: { ping: failing({ instancePath: '/user', keyword: 'required', params: { missingProperty: 'user_id' } }, { instancePath: '/x', keyword: 'type', message: 'must be string' }) },
      conformance: schemas({ ping: { $ref: 'urn:test:missing' } }),
    });
    expect(validator.validate('ping', {})).toEqual({ valid: false, issues: [{ path: '/user', message: 'must have property "user_id"' }] });
  });

  it('a conformance failure is drift on a valid result, capped at MAX_DRIFT_ISSUES', () => {
    const validator = new SchemaValidator({ gate: { ping: passing, list: passing }, conformance: schemas({ ping: { type: 'object' }, list: { type: 'array', items: { type: 'number' } } }) });
    expect(validator.validate('ping', [])).toEqual({ valid: true, drift: { issues: [{ path: '/', message: 'must be object' }], truncated: false } });
    const capped = validator.validate('list', Array.from({ length: MAX_DRIFT_ISSUES + 5 }, (_, index) => `n${index}`));
    expect(capped).toMatchObject({ valid: true, drift: { truncated: true } });
    expect(capped.valid && capped.drift?.issues).toHaveLength(MAX_DRIFT_ISSUES);
    expect(capped.valid && capped.drift?.issues[0]).toEqual({ path: '/0', message: 'must be number' });
  });

  it('a payload that conforms has no drift', () => {
    const validator = new SchemaValidator({ gate: { ping: passing }, conformance: schemas({ ping: { type: 'object', required: ['a'] } }) });
    expect(validator.validate('ping', { a: 1 })).toEqual({ valid: true, drift: undefined });
  });

  it('rethrows errors other than an exhausted budget, and leaves the budget reset', () => {
    const validator = new SchemaValidator({ gate: { ping: passing }, conformance: schemas({ ping: { type: 'object', properties: { a: { $ref: 'urn:test:missing' } } } }) });
    expect(() => validator.validate('ping', { a: 1 })).toThrow(/No conformance schema has the \$id "urn:test:missing"/);
    expect(errorBudget.left).toBe(Number.POSITIVE_INFINITY);
    expect(validator.validate('ping', {})).toEqual({ valid: true, drift: undefined });
  });

  it('parses a schema on the first payload of a type that needs it, once, and shares it between types with the same schema', () => {
    const conformance = schemas({ ping: { type: 'object' }, pong: { type: 'object' }, other: { type: 'array' } }, { 'urn:test:unused': { type: 'string' } });
    const reads: string[] = [];
    const counted: ConformanceSchemas = {
      ...conformance,
      schemas: new Proxy([...conformance.schemas], {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads.push(key);
          return Reflect.get(target, key, receiver) as unknown;
        },
      }),
    };
    const validator = new SchemaValidator({ gate: { ping: passing, pong: passing, other: passing }, conformance: counted });
    expect(reads).toEqual([]);
    validator.validate('ping', {});
    validator.validate('ping', []);
    validator.validate('pong', {});
    expect(reads).toEqual([String(conformance.eventTypes.ping)]);
    validator.validate('other', []);
    expect(reads).toHaveLength(2);
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
