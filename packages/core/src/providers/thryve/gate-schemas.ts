/**
 * The gate of each Thryve event type: what wearhook itself needs to build the typed event and its
 * records (the user, the container shapes, the fields of each point's record key). A payload that
 * fails it is quarantined; the rest of `schemas/` is checked advisorily (drift). Read by the
 * generator, which compiles these ahead of time (`generated/gate.ts`); nothing reads them at run time.
 * What each gate guarantees is listed in packages/core/VALIDATION.md.
 */
import type { ThryveEventType } from './event-types.js';
import { thryveIntegerIdSchema } from './ids.js';
import { objectOrArrayOf } from './schemas/common.js';

const nonEmptyString = { type: 'string', minLength: 1 } as const;
/** A timestamp or day in any of the shapes the timestamp parser reads (it decides, not the gate). */
const instant = { type: ['string', 'number'] } as const;

function envelope(types: readonly string[], data: object): object {
  return {
    type: 'object',
    required: ['endUserId', 'type', 'data'],
    properties: { endUserId: nonEmptyString, type: { enum: types }, data },
  };
}

function dataSources(pointsProperty: string, point: object): object {
  return objectOrArrayOf({
    type: 'object',
    required: ['dataSourceId', pointsProperty],
    properties: { dataSourceId: thryveIntegerIdSchema, [pointsProperty]: { type: 'array', items: point } },
  });
}

const epochPoint = {
  type: 'object',
  required: ['startTimestamp', 'dataTypeId'],
  properties: { startTimestamp: instant, dataTypeId: thryveIntegerIdSchema },
} as const;

const dailyPoint = {
  type: 'object',
  required: ['day', 'dataTypeId'],
  properties: { day: instant, dataTypeId: thryveIntegerIdSchema },
} as const;

const notificationData = { type: 'object', required: ['dataSourceId'], properties: { dataSourceId: thryveIntegerIdSchema } } as const;

export const thryveGateSchemas: Readonly<Record<ThryveEventType, object>> = {
  'event.data.epoch.create': envelope(['event.data.epoch.create'], dataSources('epochData', epochPoint)),
  'event.data.epoch.update': envelope(['event.data.epoch.update'], dataSources('epochData', epochPoint)),
  'event.data.daily.create': envelope(['event.data.daily.create'], dataSources('dailyData', dailyPoint)),
  'event.data.daily.update': envelope(['event.data.daily.update'], dataSources('dailyData', dailyPoint)),
  'notification.source.connect': envelope(['notification.source.connect', 'webhook.source.connect'], notificationData),
  'notification.source.disconnect': envelope(['notification.source.disconnect', 'webhook.source.disconnect'], notificationData),
  'notification.data.epoch.createupdate': envelope(['notification.data.epoch.createupdate'], notificationData),
  'notification.data.daily.createupdate': envelope(['notification.data.daily.createupdate'], notificationData),
  'legacy.sourceUpdate': {
    type: 'object',
    required: ['sourceUpdate'],
    properties: {
      sourceUpdate: {
        type: 'object',
        required: ['authenticationToken', 'dataSource'],
        properties: { authenticationToken: nonEmptyString, dataSource: thryveIntegerIdSchema },
      },
    },
  },
};
