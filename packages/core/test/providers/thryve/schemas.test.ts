import { describe, expect, it } from 'vitest';
import { THRYVE_EVENT_TYPES, type ThryveEventType } from '../../../src/providers/thryve/event-types.js';
import { thryveSamples } from '../../../src/providers/thryve/samples.js';
import { thryveProvider } from '../../../src/providers/thryve/provider.js';
import type { ValidationIssue } from '../../../src/validation/schema-validator.js';

const { validator } = thryveProvider;

/** A deep copy the test may mutate freely. */
function sample(type: ThryveEventType, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return structuredClone({ ...thryveSamples[type](), ...overrides }) as Record<string, unknown>;
}

/** What the schemas find: the gate's failure, or the drift from the full schema. */
function issues(type: ThryveEventType, payload: unknown): readonly ValidationIssue[] {
  const result = validator.validate(type, payload);
  return result.valid ? (result.drift?.issues ?? []) : result.issues;
}

function expectValid(type: ThryveEventType, payload: unknown): void {
  expect(issues(type, payload)).toEqual([]);
}

function expectIssue(type: ThryveEventType, payload: unknown, path: string, message?: RegExp): void {
  const found = issues(type, payload);
  expect(found.map((issue) => issue.path)).toContain(path);
  if (message !== undefined) expect(found.filter((issue) => issue.path === path).map((issue) => issue.message).join(' | ')).toMatch(message);
}

/** Reaches into a payload by property names and indexes. */
function at(value: unknown, ...path: (string | number)[]): Record<string, unknown> {
  let current = value;
  for (const step of path) current = (current as Record<string | number, unknown>)[step];
  return current as Record<string, unknown>;
}

// Thryve's published epoch example, verbatim (minus the comment).
const DOC_EPOCH_EXAMPLE = {
  endUserId: '123accessToken',
  endUserAlias: 'YourEndUserAlias',
  timestampType: 'ISO',
  type: 'event.data.epoch.create',
  data: {
    dataSourceId: 5,
    dataSourceName: 'Apple',
    epochData: [
      {
        startTimestamp: '2022-09-07T19:39:32Z',
        endTimestamp: '2022-09-07T19:45:02Z',
        timezoneOffset: 0,
        dataTypeId: 1000,
        value: '53.0',
        additionalDetails: {
          creationTimestamp: '2022-09-07T19:45:05Z',
          dataTypeName: 'Steps',
          valueType: 'DOUBLE',
          thirdPartyDataSourceId: 1,
          thirdPartyDataSourceName: 'UNKNOWN',
          measurementReference: 9007163812253719,
          generationType: 'MANUAL_ENTRY',
          trustworthiness: 'doubt_from_device_source',
          medicalGrade: false,
          chronologicalExactness: 15,
        },
      },
    ],
  },
};

// Thryve's published connection notification example, verbatim.
const DOC_CONNECT_EXAMPLE = {
  endUserId: '123accessToken',
  endUserAlias: 'YourEndUserAlias',
  timestampType: 'iso',
  type: 'notification.source.connect',
  data: { timestamp: '2022-09-07T17:40:00Z', dataSourceId: 1 },
};

describe('Thryve schemas', () => {
  it('has validators for every event type and no other', () => {
    for (const type of THRYVE_EVENT_TYPES) expect(validator.has(type)).toBe(true);
    expect(validator.has('event.data.hourly.create')).toBe(false);
  });

  it.each(THRYVE_EVENT_TYPES)('accepts the %s sample with ISO and unix timestamps', (type) => {
    expectValid(type, thryveSamples[type]());
    expectValid(type, thryveSamples[type]({ timestampType: 'unix' } as never));
  });

  it("accepts Thryve's published examples", () => {
    expectValid('event.data.epoch.create', DOC_EPOCH_EXAMPLE);
    expectValid('notification.source.connect', DOC_CONNECT_EXAMPLE);
  });

  describe('envelope', () => {
    it.each(['iso', 'ISO', 'Iso', 'unix', 'UNIX', 'Unix'])('accepts timestampType %s', (timestampType) => {
      expectValid('event.data.epoch.create', sample('event.data.epoch.create', { timestampType }));
      expectValid('notification.source.connect', sample('notification.source.connect', { timestampType }));
    });

    it.each(['', 'isox', 'utc', 'unix-ms', ' iso'])('rejects timestampType %j', (timestampType) => {
      expectIssue('event.data.epoch.create', sample('event.data.epoch.create', { timestampType }), '/timestampType', /pattern/);
    });

    it.each(['endUserId', 'timestampType', 'type', 'data'])('rejects a payload without %s', (field) => {
      for (const type of THRYVE_EVENT_TYPES.filter((name) => name !== 'legacy.sourceUpdate')) {
        const payload = sample(type);
        delete payload[field];
        expectIssue(type, payload, '/', new RegExp(`must have property "${field}"`));
      }
    });

    it('accepts a payload without endUserAlias but not an empty endUserId or a numeric alias', () => {
      const payload = sample('event.data.daily.create');
      delete payload.endUserAlias;
      expectValid('event.data.daily.create', payload);
      expectIssue('event.data.daily.create', sample('event.data.daily.create', { endUserId: '' }), '/endUserId');
      expectIssue('event.data.daily.create', sample('event.data.daily.create', { endUserAlias: 42 }), '/endUserAlias', /string/);
    });

    it('leaves the type to the receiver, which chose the schema by it', () => {
      // The validators do not check `type` again: thryveEventTypeOf read it to pick them.
      expect(thryveProvider.eventTypeOf(sample('event.data.epoch.create', { type: 'event.data.epoch.update' }))).toBe('event.data.epoch.update');
    });

    it('accepts integer ids as numeric strings (issue 9), keyed as the numbers', () => {
      const payload = sample('event.data.epoch.create');
      at(payload, 'data').dataSourceId = String(at(payload, 'data').dataSourceId);
      at(payload, 'data', 'epochData', 0).dataTypeId = '1000';
      expectValid('event.data.epoch.create', payload);
      const event = thryveProvider.toEvent({ type: 'event.data.epoch.create', payload, deliveryKey: 'k', receivedAt: new Date() });
      const plain = thryveProvider.toEvent({ type: 'event.data.epoch.create', payload: sample('event.data.epoch.create'), deliveryKey: 'k', receivedAt: new Date() });
      expect(event.records[0]?.key).toBe(plain.records[0]?.key);
    });

    it('accepts properties it does not know, at every level', () => {
      const payload = sample('event.data.epoch.create', { deliveredBy: 'thryve-2' });
      at(payload, 'data').region = 'eu';
      at(payload, 'data', 'epochData', 0).quality = 'A';
      at(payload, 'data', 'epochData', 0, 'additionalDetails').deviceModel = 'Watch7,1';
      expectValid('event.data.epoch.create', payload);
    });
  });

  describe.each(['event.data.epoch.create', 'event.data.epoch.update'] as const)('%s', (type) => {
    it('accepts data as an array of data source objects, and an empty list', () => {
      const payload = sample(type);
      const second = { ...structuredClone(at(payload, 'data')), dataSourceId: 1, dataSourceName: 'Fitbit' };
      payload.data = [payload.data, second];
      expectValid(type, payload);
      expectValid(type, sample(type, { data: [] }));
      expectValid(type, sample(type, { data: { dataSourceId: 5, epochData: [] } }));
    });

    it('accepts a minimal point, numeric values and unix seconds', () => {
      const payload = sample(type, {
        data: { dataSourceId: 5, epochData: [{ startTimestamp: 1662579572, dataTypeId: 3000, value: 72 }] },
      });
      expectValid(type, payload);
    });

    it('accepts every optional detail being absent', () => {
      const payload = sample(type);
      at(payload, 'data', 'epochData', 0).additionalDetails = {};
      delete at(payload, 'data', 'epochData', 1).additionalDetails;
      delete at(payload, 'data').dataSourceName;
      expectValid(type, payload);
    });

    it.each(['startTimestamp', 'dataTypeId', 'value'])('rejects a point without %s, naming the point', (field) => {
      const payload = sample(type);
      delete at(payload, 'data', 'epochData', 1)[field];
      expectIssue(type, payload, '/data/epochData/1', new RegExp(`must have property "${field}"`));
    });

    it('rejects a point without its required field inside array data too', () => {
      const payload = sample(type);
      payload.data = [payload.data];
      delete at(payload, 'data', 0, 'epochData', 0).dataTypeId;
      expectIssue(type, payload, '/data/0/epochData/0', /"dataTypeId"/);
    });

    it('rejects a data source without dataSourceId or epochData', () => {
      const payload = sample(type);
      delete at(payload, 'data').dataSourceId;
      expectIssue(type, payload, '/data', /"dataSourceId"/);
      expectIssue(type, sample(type, { data: { dataSourceId: 5, dailyData: [] } }), '/data', /"epochData"/);
    });

    it.each([
      ['startTimestamp', '2022-09-07 nope'],
      ['startTimestamp', '2022-02-30T10:00:00Z'],
      ['startTimestamp', '2022-09-07T24:00:00Z'],
      ['startTimestamp', -1],
      ['startTimestamp', 1662579572.5],
      ['startTimestamp', 1e16],
      ['startTimestamp', true],
      ['endTimestamp', ''],
      ['dataTypeId', 'steps'],
      ['dataTypeId', 1000.5],
      ['value', null],
      ['value', true],
      ['timezoneOffset', '+120'],
    ])('rejects %s = %j', (field, value) => {
      const payload = sample(type);
      at(payload, 'data', 'epochData', 0)[field] = value;
      expectIssue(type, payload, `/data/epochData/0/${field}`);
    });

    it.each([
      ['creationTimestamp', 'yesterday'],
      ['thirdPartyDataSourceId', 'one'],
      ['medicalGrade', 'false'],
      ['chronologicalExactness', '15'],
      ['generationType', 3],
    ])('rejects additionalDetails.%s = %j', (field, value) => {
      const payload = sample(type);
      at(payload, 'data', 'epochData', 0, 'additionalDetails')[field] = value;
      expectIssue(type, payload, `/data/epochData/0/additionalDetails/${field}`);
    });

    it('rejects data that is neither an object nor an array', () => {
      expectIssue(type, sample(type, { data: 'epochData' }), '/data', /object,array/);
    });
  });

  describe.each(['event.data.daily.create', 'event.data.daily.update'] as const)('%s', (type) => {
    it.each([['2022-09-07'], ['2022-09-07T00:00:00Z'], ['2022-09-07T00:00:00+02:00'], [1662508800000], [1662508800]])('accepts day %j', (day) => {
      const payload = sample(type);
      at(payload, 'data', 'dailyData', 0).day = day;
      expectValid(type, payload);
    });

    it('accepts data as an array', () => {
      const payload = sample(type);
      payload.data = [payload.data, { dataSourceId: 2, dataSourceName: 'Garmin', dailyData: [{ day: '2022-09-07', dataTypeId: 1000, value: '10211' }] }];
      expectValid(type, payload);
    });

    it.each(['day', 'dataTypeId', 'value'])('rejects a point without %s', (field) => {
      const payload = sample(type);
      delete at(payload, 'data', 'dailyData', 2)[field];
      expectIssue(type, payload, '/data/dailyData/2', new RegExp(`"${field}"`));
    });

    it.each([['07.09.2022'], ['2022-9-7'], ['2021-02-29'], [-86400000]])('rejects day %j', (day) => {
      const payload = sample(type);
      at(payload, 'data', 'dailyData', 0).day = day;
      expectIssue(type, payload, '/data/dailyData/0/day');
    });

    it('rejects epoch data in a daily push', () => {
      const epoch = thryveSamples['event.data.epoch.create']();
      expectIssue(type, sample(type, { data: epoch.data }), '/data', /"dailyData"/);
    });
  });

  describe.each(['notification.source.connect', 'notification.source.disconnect'] as const)('%s', (type) => {
    it('accepts the webhook.* spelling of the type, unix timestamps and no timestamp', () => {
      expectValid(type, sample(type, { type: type.replace('notification.', 'webhook.') }));
      expectValid(type, sample(type, { data: { timestamp: 1662572400000, dataSourceId: 2 } }));
      expectValid(type, sample(type, { data: { dataSourceId: 2 } }));
    });

    it('rejects missing or mistyped fields', () => {
      expectIssue(type, sample(type, { data: { timestamp: '2022-09-07T17:40:00Z' } }), '/data', /"dataSourceId"/);
      expectIssue(type, sample(type, { data: { dataSourceId: 'Fitbit' } }), '/data/dataSourceId', /integer/);
      expectIssue(type, sample(type, { data: { dataSourceId: 1, timestamp: 'now' } }), '/data/timestamp');
    });
  });

  describe('notification.data.epoch.createupdate', () => {
    const type = 'notification.data.epoch.createupdate';

    it.each(['startTimestamp', 'endTimestamp', 'dataSourceId', 'dataTypeIds'])('rejects data without %s', (field) => {
      const payload = sample(type);
      delete at(payload, 'data')[field];
      expectIssue(type, payload, '/data', new RegExp(`"${field}"`));
    });

    it('accepts data type ids as numeric strings, and reports other strings as drift', () => {
      const payload = sample(type);
      at(payload, 'data').dataTypeIds = [1000, '3000'];
      expectValid(type, payload);
      at(payload, 'data').dataTypeIds = [1000, 'steps'];
      expectIssue(type, payload, '/data/dataTypeIds/1', /integer/);
    });
  });

  describe('notification.data.daily.createupdate', () => {
    const type = 'notification.data.daily.createupdate';

    it.each(['startDay', 'endDay', 'dataSourceId', 'dataTypeIds'])('rejects data without %s', (field) => {
      const payload = sample(type);
      delete at(payload, 'data')[field];
      expectIssue(type, payload, '/data', new RegExp(`"${field}"`));
    });

    it('rejects an unreadable day', () => {
      const payload = sample(type);
      at(payload, 'data').startDay = '2022-13-01';
      expectIssue(type, payload, '/data/startDay');
    });
  });

  describe('legacy.sourceUpdate', () => {
    const type = 'legacy.sourceUpdate';

    it('accepts a bare connection change and unknown properties', () => {
      expectValid(type, { sourceUpdate: { authenticationToken: 'abc', partnerUserID: 'p-1', dataSource: 8, connectionStatus: 'NEW' } });
      expectValid(type, { sourceUpdate: { authenticationToken: 'abc', dataSource: 8, connectionStatus: 'DELETED', extra: 1 }, more: true });
    });

    it.each(['authenticationToken', 'dataSource'])('rejects a sourceUpdate without %s', (field) => {
      const payload = sample(type);
      delete at(payload, 'sourceUpdate')[field];
      expectIssue(type, payload, '/sourceUpdate', new RegExp(`"${field}"`));
    });

    it('rejects mistyped ranges and a missing sourceUpdate', () => {
      const payload = sample(type);
      at(payload, 'sourceUpdate', '/v5/dynamicEpochValues').dynamicValueTypes = ['steps'];
      expectIssue(type, payload, '/sourceUpdate/~1v5~1dynamicEpochValues/dynamicValueTypes/0', /integer/);
      expectIssue(type, {}, '/', /"sourceUpdate"/);
    });
  });
});
