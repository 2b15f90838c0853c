/**
 * Schema of Thryve's legacy format, `{"sourceUpdate": {...}}`, still sent to older accounts. Thryve
 * published no schema for it; the fields are those of the confirmed description and of third-party
 * receivers. Only what identifies the user and source is required.
 */
import { JSON_SCHEMA_DIALECT, integerArraySchema, integerSchema, stringSchema, timestampSchema } from './common.js';

const unixSchema = { type: 'integer', minimum: 0 } as const;

/** `"/v5/dailyDynamicValues"`: the daily range that has new data. */
export const legacyDailyRangeSchema = {
  type: 'object',
  properties: {
    startDay: stringSchema,
    endDay: stringSchema,
    startTimestampUnix: unixSchema,
    endTimestampUnix: unixSchema,
    dailyDynamicValueTypes: integerArraySchema,
  },
} as const;

/** `"/v5/dynamicEpochValues"`: the epoch range that has new data. */
export const legacyEpochRangeSchema = {
  type: 'object',
  properties: {
    startTimestamp: stringSchema,
    endTimestamp: stringSchema,
    startTimestampUnix: unixSchema,
    endTimestampUnix: unixSchema,
    dynamicValueTypes: integerArraySchema,
  },
} as const;

/** The object under `sourceUpdate`. */
export const legacySourceUpdateBodySchema = {
  type: 'object',
  required: ['authenticationToken', 'dataSource'],
  properties: {
    authenticationToken: { type: 'string', minLength: 1 },
    partnerUserID: stringSchema,
    dataSource: integerSchema,
    createdAt: timestampSchema,
    // NEW and DELETED are the documented values; others are let through rather than quarantined.
    connectionStatus: stringSchema,
    '/v5/dailyDynamicValues': legacyDailyRangeSchema,
    '/v5/dynamicEpochValues': legacyEpochRangeSchema,
  },
} as const;

export const legacySourceUpdateSchema = {
  $schema: JSON_SCHEMA_DIALECT,
  title: 'Thryve legacy sourceUpdate',
  type: 'object',
  required: ['sourceUpdate'],
  properties: { sourceUpdate: legacySourceUpdateBodySchema },
} as const;
