import { describe, expect, it } from 'vitest';
import { DeliveryLog, LOG_CODES } from '../../src/logging/delivery-log.js';
import { DriftCounter } from '../../src/logging/drift-counter.js';
import { resolveLogger, silentLogger, stderrLogger, type WearhookLogger } from '../../src/logging/logger.js';
import { WebhookError } from '../../src/errors/webhook-error.js';
import { StoreUnavailableError } from '../../src/stores/store-unavailable-error.js';

interface Entry {
  readonly level: 'info' | 'warn' | 'error';
  readonly object: Readonly<Record<string, unknown>>;
  readonly message: string;
}

function recorder(): { logger: WearhookLogger; entries: Entry[] } {
  const entries: Entry[] = [];
  const at = (level: Entry['level']) => (object: Readonly<Record<string, unknown>>, message: string) => entries.push({ level, object, message });
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, entries };
}

const delivery = { provider: 'terra', eventType: 'sleep', deliveryKey: 'terra:trace-1' };

describe('stderrLogger', () => {
  it('writes one JSON line per entry with level, time, message and fields', () => {
    const lines: string[] = [];
    stderrLogger((line) => lines.push(line)).warn({ code: 'x', provider: 'vital' }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(parsed).toMatchObject({ level: 'warn', msg: 'hello', code: 'x', provider: 'vital' });
    expect(Number.isNaN(Date.parse(String(parsed.time)))).toBe(false);
  });
});

describe('resolveLogger', () => {
  it('uses the given logger, silence for false, and a stderr logger by default', () => {
    const { logger } = recorder();
    expect(resolveLogger(logger)).toBe(logger);
    expect(resolveLogger(false)).toBe(silentLogger());
    const fallback = resolveLogger(undefined);
    expect(fallback).not.toBe(silentLogger());
    expect(typeof fallback.warn).toBe('function');
  });
});

describe('DeliveryLog', () => {
  it('logs a quarantined delivery with its code, ids and issues, never the payload', () => {
    const { logger, entries } = recorder();
    new DeliveryLog(logger).quarantined(delivery, [{ path: '/user', message: 'must have property "user_id"' }]);
    expect(entries).toEqual([
      {
        level: 'warn',
        object: { code: LOG_CODES.quarantined, ...delivery, issues: [{ path: '/user', message: 'must have property "user_id"' }] },
        message: expect.stringContaining('quarantined') as string,
      },
    ]);
  });

  it('logs unknown types and refused requests with stable codes', () => {
    const { logger, entries } = recorder();
    const log = new DeliveryLog(logger);
    log.unknown({ ...delivery, eventType: 'brand_new' });
    log.refused({ provider: 'thryve', status: 422, errorCode: 'unknown_event_type', eventType: 'x', deliveryKey: 'k' });
    log.refused({ provider: 'vital', status: 503, errorCode: 'store_unavailable' });
    expect(entries.map((entry) => [entry.level, entry.object.code])).toEqual([
      ['warn', LOG_CODES.unknown],
      ['warn', LOG_CODES.refused],
      ['error', LOG_CODES.refused],
    ]);
    expect(entries[1]?.object).toMatchObject({ status: 422, errorCode: 'unknown_event_type', deliveryKey: 'k' });
  });

  it("logs what made a 5xx refusal, its cause by name and code only (a driver's message may hold the body), and neither for a 4xx", () => {
    const { logger, entries } = recorder();
    const log = new DeliveryLog(logger);
    const driverError = Object.assign(new Error("INSERT INTO deliveries VALUES ('{\"user\":\"u-1\",\"heart_rate\":72}') - disk full"), {
      code: 'ERR_SQLITE_ERROR',
      errcode: 13,
      errstr: 'database or disk is full',
    });
    log.refused({ provider: 'vital', status: 503, errorCode: 'store_unavailable' }, new StoreUnavailableError('The SQLite store could not commit.', { cause: driverError }));
    log.refused({ provider: 'vital', status: 503, errorCode: 'too_many_bytes_in_flight' }, new WebhookError('too_many_bytes_in_flight', 'Too many bytes in flight.'));
    log.refused({ provider: 'vital', status: 400, errorCode: 'invalid_json' }, new WebhookError('invalid_json', 'Not JSON.', { cause: new SyntaxError('Unexpected token') }));
    expect(entries[0]).toEqual({
      level: 'error',
      object: {
        code: LOG_CODES.refused,
        provider: 'vital',
        status: 503,
        errorCode: 'store_unavailable',
        error: { name: 'StoreUnavailableError', message: 'The SQLite store could not commit.' },
        cause: { name: 'Error', code: 'ERR_SQLITE_ERROR', errcode: 13, errstr: 'database or disk is full' },
      },
      message: 'vital delivery refused with 503 store_unavailable: The SQLite store could not commit. (cause: Error ERR_SQLITE_ERROR 13 database or disk is full)',
    });
    expect(JSON.stringify(entries)).not.toContain('heart_rate');
    expect(entries[1]).toMatchObject({ level: 'error', message: 'vital delivery refused with 503 too_many_bytes_in_flight: Too many bytes in flight.' });
    expect(entries[1]?.object).not.toHaveProperty('cause');
    expect(entries[2]).toEqual({
      level: 'warn',
      object: { code: LOG_CODES.refused, provider: 'vital', status: 400, errorCode: 'invalid_json' },
      message: 'vital delivery refused with 400 invalid_json',
    });
  });

  it('logs a handler failure with the error name and message but not its stack', () => {
    const { logger, entries } = recorder();
    new DeliveryLog(logger).handlerFailure(delivery, new TypeError('boom'));
    expect(entries[0]?.level).toBe('error');
    expect(entries[0]?.object).toEqual({ code: LOG_CODES.handlerFailed, ...delivery, error: { name: 'TypeError', message: 'boom' } });
  });

  it('logs repeated drift of one provider, type and path at 1, 10, 100 sightings, with the count', () => {
    const { logger, entries } = recorder();
    const log = new DeliveryLog(logger);
    const drift = { issues: [{ path: '/data/0/metadata/type', message: 'must be integer,null' }], truncated: false };
    for (let n = 0; n < 150; n += 1) log.drift({ ...delivery, deliveryKey: `terra:${n}` }, drift);
    expect(entries.map((entry) => (entry.object.issues as { count: number }[])[0]?.count)).toEqual([1, 10, 100]);
    expect(entries[0]?.object).toMatchObject({ code: LOG_CODES.drift, deliveryKey: 'terra:0', truncated: false });
    // Another path, type or provider is counted on its own.
    log.drift({ ...delivery, eventType: 'daily' }, drift);
    expect(entries).toHaveLength(4);
  });

  it('writes nothing when silenced', () => {
    const log = new DeliveryLog(false);
    expect(log.logger).toBe(silentLogger());
    expect(() => log.quarantined(delivery, [])).not.toThrow();
  });
});

describe('DriftCounter', () => {
  it('remembers a bounded number of keys, forgetting the least recently seen', () => {
    const counter = new DriftCounter(2);
    expect(counter.see('terra', 'sleep', '/a')).toBe(1);
    expect(counter.see('terra', 'sleep', '/b')).toBe(1);
    counter.see('terra', 'sleep', '/a');
    // /b is the least recently seen: a third key forgets it, so it counts from 1 again.
    expect(counter.see('terra', 'sleep', '/c')).toBe(1);
    expect(counter.see('terra', 'sleep', '/b')).toBe(1);
    for (let n = 2; n < 10; n += 1) counter.see('terra', 'sleep', '/b');
    expect(counter.see('terra', 'sleep', '/b')).toBe(10);
  });
});
