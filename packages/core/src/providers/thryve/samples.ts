/**
 * Realistic sample payloads for every Thryve event type, for tests, the testing kit and demos.
 * Shapes follow Thryve's published examples; ids come from Thryve's data type and data source lists.
 * Every call returns a fresh object, so callers may mutate it.
 */
import type { ThryveEventType } from './event-types.js';
import type {
  ThryveDailyDataPayload,
  ThryveDailyDataSource,
  ThryveEpochDataPayload,
  ThryveEpochDataSource,
  ThryvePayloadMap,
  ThryveTimestamp,
} from './payload-types.js';

/**
 * Builds a sample payload. `overrides` replace top-level properties. Setting `timestampType` to
 * `unix` (any case) also writes the default timestamps as unix milliseconds instead of ISO strings.
 */
export type ThryveSampleBuilder<Type extends ThryveEventType> = (overrides?: Partial<ThryvePayloadMap[Type]>) => ThryvePayloadMap[Type];

/** The user id and alias every sample uses. */
export const THRYVE_SAMPLE_USER = { endUserId: '2c8a1d3e9f7b4a6c8e0d1f2a3b4c5d6e', endUserAlias: 'user-4711' } as const;

function isUnix(overrides: { readonly timestampType?: unknown } | undefined): boolean {
  return typeof overrides?.timestampType === 'string' && overrides.timestampType.toLowerCase() === 'unix';
}

function at(iso: string, unix: boolean): ThryveTimestamp {
  return unix ? Date.parse(iso) : iso;
}

/** Apple (5) steps, heart rate and RR intervals over a few minutes of an evening walk. */
function epochData(unix: boolean): ThryveEpochDataSource {
  const point = (dataTypeId: number, dataTypeName: string, valueType: string, value: string, start: string, end: string) => ({
    startTimestamp: at(start, unix),
    endTimestamp: at(end, unix),
    timezoneOffset: 120,
    dataTypeId,
    value,
    additionalDetails: {
      creationTimestamp: at('2022-09-07T19:45:05Z', unix),
      dataTypeName,
      valueType,
      thirdPartyDataSourceId: 1,
      thirdPartyDataSourceName: 'UNKNOWN',
      generationType: 'AUTOMATED_MEASUREMENT',
      trustworthiness: 'plausible',
      medicalGrade: false,
      chronologicalExactness: 1,
    },
  });
  return {
    dataSourceId: 5,
    dataSourceName: 'Apple',
    epochData: [
      point(1000, 'Steps', 'DOUBLE', '53.0', '2022-09-07T19:39:32Z', '2022-09-07T19:45:02Z'),
      point(3000, 'HeartRate', 'LONG', '87', '2022-09-07T19:40:00Z', '2022-09-07T19:41:00Z'),
      point(3029, 'InterbeatIntervals', 'STRING', '690,702,688', '2022-09-07T19:40:00Z', '2022-09-07T19:41:00Z'),
    ],
  };
}

/** Fitbit (1) daily steps, sleep duration and resting heart rate for one day. */
function dailyData(unix: boolean): ThryveDailyDataSource {
  const point = (dataTypeId: number, dataTypeName: string, value: string) => ({
    day: unix ? Date.parse('2022-09-07T00:00:00Z') : '2022-09-07',
    timezoneOffset: 120,
    dataTypeId,
    value,
    additionalDetails: {
      creationTimestamp: at('2022-09-08T04:12:31Z', unix),
      dataTypeName,
      valueType: 'LONG',
      generationType: 'AUTOMATED_MEASUREMENT',
    },
  });
  return {
    dataSourceId: 1,
    dataSourceName: 'Fitbit',
    dailyData: [point(1000, 'Steps', '8042'), point(2000, 'SleepDuration', '412'), point(3001, 'HeartRateResting', '58')],
  };
}

function epochPush<Type extends 'event.data.epoch.create' | 'event.data.epoch.update'>(type: Type): ThryveSampleBuilder<Type> {
  return (overrides) => {
    const unix = isUnix(overrides);
    const payload: ThryveEpochDataPayload<Type> = { ...THRYVE_SAMPLE_USER, timestampType: unix ? 'unix' : 'ISO', type, data: epochData(unix) };
    return { ...payload, ...overrides } as ThryvePayloadMap[Type];
  };
}

function dailyPush<Type extends 'event.data.daily.create' | 'event.data.daily.update'>(type: Type): ThryveSampleBuilder<Type> {
  return (overrides) => {
    const unix = isUnix(overrides);
    const payload: ThryveDailyDataPayload<Type> = { ...THRYVE_SAMPLE_USER, timestampType: unix ? 'unix' : 'iso', type, data: dailyData(unix) };
    return { ...payload, ...overrides } as ThryvePayloadMap[Type];
  };
}

function sourceNotification<Type extends 'notification.source.connect' | 'notification.source.disconnect'>(
  type: Type,
  timestamp: string,
): ThryveSampleBuilder<Type> {
  return (overrides) => {
    const unix = isUnix(overrides);
    const payload = {
      ...THRYVE_SAMPLE_USER,
      timestampType: unix ? 'unix' : 'iso',
      type,
      data: { timestamp: at(timestamp, unix), dataSourceId: 1 },
    };
    return { ...payload, ...overrides } as ThryvePayloadMap[Type];
  };
}

/** A sample payload builder for every Thryve event type. */
export const thryveSamples: { readonly [Type in ThryveEventType]: ThryveSampleBuilder<Type> } = {
  'event.data.epoch.create': epochPush('event.data.epoch.create'),
  'event.data.epoch.update': epochPush('event.data.epoch.update'),
  'event.data.daily.create': dailyPush('event.data.daily.create'),
  'event.data.daily.update': dailyPush('event.data.daily.update'),
  'notification.source.connect': sourceNotification('notification.source.connect', '2022-09-07T17:40:00Z'),
  'notification.source.disconnect': sourceNotification('notification.source.disconnect', '2022-10-02T08:15:00Z'),
  'notification.data.epoch.createupdate': (overrides) => {
    const unix = isUnix(overrides);
    return {
      ...THRYVE_SAMPLE_USER,
      timestampType: unix ? 'unix' : 'iso',
      type: 'notification.data.epoch.createupdate',
      data: {
        startTimestamp: at('2022-09-07T19:39:32Z', unix),
        endTimestamp: at('2022-09-07T19:45:02Z', unix),
        dataSourceId: 5,
        dataTypeIds: [1000, 3000, 3029],
      },
      ...overrides,
    };
  },
  'notification.data.daily.createupdate': (overrides) => {
    const unix = isUnix(overrides);
    return {
      ...THRYVE_SAMPLE_USER,
      timestampType: unix ? 'unix' : 'iso',
      type: 'notification.data.daily.createupdate',
      data: {
        startDay: unix ? Date.parse('2022-09-06T00:00:00Z') : '2022-09-06',
        endDay: unix ? Date.parse('2022-09-07T00:00:00Z') : '2022-09-07',
        dataSourceId: 1,
        dataTypeIds: [1000, 2000, 3001],
      },
      ...overrides,
    };
  },
  // The legacy format mixes ISO and unix fields by design; `timestampType` does not apply to it.
  'legacy.sourceUpdate': (overrides) => ({
    sourceUpdate: {
      authenticationToken: THRYVE_SAMPLE_USER.endUserId,
      partnerUserID: THRYVE_SAMPLE_USER.endUserAlias,
      dataSource: 1,
      createdAt: '2020-02-26T16:54:30Z',
      '/v5/dailyDynamicValues': {
        startDay: '2020-02-26',
        endDay: '2020-02-26',
        dailyDynamicValueTypes: [2000, 2001, 2002, 2003],
        startTimestampUnix: 1582675200000,
        endTimestampUnix: 1582675200000,
      },
      '/v5/dynamicEpochValues': {
        startTimestamp: '2020-02-26T12:38:00Z',
        endTimestamp: '2020-02-26T16:55:00Z',
        dynamicValueTypes: [1012, 3000, 3100],
        startTimestampUnix: 1582717080000,
        endTimestampUnix: 1582736100000,
      },
    },
    ...overrides,
  }),
};
