import type { ThryveEventType } from '../event-types.js';
import { dailyCreateSchema, dailyUpdateSchema, epochCreateSchema, epochUpdateSchema } from './data-push.js';
import { legacySourceUpdateSchema } from './legacy.js';
import { dailyNotificationSchema, epochNotificationSchema, sourceConnectSchema, sourceDisconnectSchema } from './notifications.js';

/**
 * The JSON Schema (draft-07) of each Thryve event type. All allow properties they do not list, since
 * Thryve adds fields without notice.
 */
export const thryveSchemas = {
  'event.data.epoch.create': epochCreateSchema,
  'event.data.epoch.update': epochUpdateSchema,
  'event.data.daily.create': dailyCreateSchema,
  'event.data.daily.update': dailyUpdateSchema,
  'notification.source.connect': sourceConnectSchema,
  'notification.source.disconnect': sourceDisconnectSchema,
  'notification.data.epoch.createupdate': epochNotificationSchema,
  'notification.data.daily.createupdate': dailyNotificationSchema,
  'legacy.sourceUpdate': legacySourceUpdateSchema,
} as const satisfies Record<ThryveEventType, object>;
