/**
 * Schemas of the notifications: small webhooks that say something happened, without the data.
 * Only `notification.source.connect` has a published example; its fields sit inside `data`, and the
 * data notifications are assumed to follow it (their doc table lists the fields without nesting).
 */
import { daySchema, envelopeSchema, integerArraySchema, integerSchema, timestampSchema } from './common.js';

/** `data` of a connect or disconnect notification. */
export const sourceNotificationDataSchema = {
  type: 'object',
  required: ['dataSourceId'],
  properties: {
    timestamp: timestampSchema,
    dataSourceId: integerSchema,
  },
} as const;

/** `data` of `notification.data.epoch.createupdate`. */
export const epochNotificationDataSchema = {
  type: 'object',
  required: ['startTimestamp', 'endTimestamp', 'dataSourceId', 'dataTypeIds'],
  properties: {
    startTimestamp: timestampSchema,
    endTimestamp: timestampSchema,
    dataSourceId: integerSchema,
    dataTypeIds: integerArraySchema,
  },
} as const;

/** `data` of `notification.data.daily.createupdate`. */
export const dailyNotificationDataSchema = {
  type: 'object',
  required: ['startDay', 'endDay', 'dataSourceId', 'dataTypeIds'],
  properties: {
    startDay: daySchema,
    endDay: daySchema,
    dataSourceId: integerSchema,
    dataTypeIds: integerArraySchema,
  },
} as const;

export const sourceConnectSchema = envelopeSchema(
  'Thryve notification.source.connect',
  ['notification.source.connect', 'webhook.source.connect'],
  sourceNotificationDataSchema,
);
export const sourceDisconnectSchema = envelopeSchema(
  'Thryve notification.source.disconnect',
  ['notification.source.disconnect', 'webhook.source.disconnect'],
  sourceNotificationDataSchema,
);
export const epochNotificationSchema = envelopeSchema(
  'Thryve notification.data.epoch.createupdate',
  ['notification.data.epoch.createupdate'],
  epochNotificationDataSchema,
);
export const dailyNotificationSchema = envelopeSchema(
  'Thryve notification.data.daily.createupdate',
  ['notification.data.daily.createupdate'],
  dailyNotificationDataSchema,
);
