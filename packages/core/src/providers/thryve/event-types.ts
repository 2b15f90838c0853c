/**
 * The Thryve event types wearhook knows, as the receiver names them.
 *
 * All but the last are the `type` strings Thryve sends. `legacy.sourceUpdate` is synthetic: accounts on
 * Thryve's old webhook format receive `{"sourceUpdate": {...}}` with no `type` field at all, and
 * wearhook gives those deliveries this name so they can be subscribed to like any other.
 */
export const THRYVE_EVENT_TYPES = [
  'event.data.epoch.create',
  'event.data.epoch.update',
  'event.data.daily.create',
  'event.data.daily.update',
  'notification.source.connect',
  'notification.source.disconnect',
  'notification.data.epoch.createupdate',
  'notification.data.daily.createupdate',
  'legacy.sourceUpdate',
] as const;

/** One of {@link THRYVE_EVENT_TYPES}. */
export type ThryveEventType = (typeof THRYVE_EVENT_TYPES)[number];

/** Data pushes carrying epoch (intraday) points. */
export type ThryveEpochDataEventType = 'event.data.epoch.create' | 'event.data.epoch.update';
/** Data pushes carrying daily points. */
export type ThryveDailyDataEventType = 'event.data.daily.create' | 'event.data.daily.update';
/** A user connected or disconnected a data source. */
export type ThryveSourceEventType = 'notification.source.connect' | 'notification.source.disconnect';

/** The synthetic name of the legacy `{"sourceUpdate": {...}}` format. */
export const THRYVE_LEGACY_SOURCE_UPDATE = 'legacy.sourceUpdate' satisfies ThryveEventType;

/**
 * Whether a type tells that something happened (a source connected, data of a range changed) rather
 * than carrying data: the same body is sent again each time it happens again.
 */
export function isThryveNotificationType(eventType: string): boolean {
  return eventType.startsWith('notification.') || eventType === THRYVE_LEGACY_SOURCE_UPDATE;
}

/**
 * Spellings Thryve may send for a known type, mapped to the name wearhook uses.
 *
 * One line of Thryve's notification page calls the connection events `webhook.source.connect` /
 * `webhook.source.disconnect`, while the example on the same page (and every delivery seen) says
 * `notification.source.*`. Both describe the same event, so handlers subscribe to the
 * `notification.*` name and receive either; `payload.type` keeps what was actually sent.
 */
export const THRYVE_EVENT_TYPE_ALIASES: Readonly<Record<string, ThryveSourceEventType>> = {
  'webhook.source.connect': 'notification.source.connect',
  'webhook.source.disconnect': 'notification.source.disconnect',
};

const known: ReadonlySet<string> = new Set(THRYVE_EVENT_TYPES);

/** Whether `type` is one of {@link THRYVE_EVENT_TYPES} (aliases excluded: resolve them first). */
export function isThryveEventType(type: string): type is ThryveEventType {
  return known.has(type);
}

/** The wearhook name for a `type` string as sent: aliases resolved, anything else unchanged. */
export function canonicalThryveEventType(type: string): string {
  return Object.hasOwn(THRYVE_EVENT_TYPE_ALIASES, type) ? (THRYVE_EVENT_TYPE_ALIASES[type] ?? type) : type;
}
