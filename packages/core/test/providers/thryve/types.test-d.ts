import { describe, expectTypeOf, it } from 'vitest';
import type { ThryveEventType } from '../../../src/providers/thryve/event-types.js';
import type {
  ThryveDailyAdditionalDetails,
  ThryveDailyDataPoint,
  ThryveDailyDataSource,
  ThryveDailyNotificationData,
  ThryveEnvelope,
  ThryveEpochAdditionalDetails,
  ThryveEpochDataPayload,
  ThryveEpochDataPoint,
  ThryveEpochDataSource,
  ThryveEpochNotificationData,
  ThryveLegacyDailyRange,
  ThryveLegacyEpochRange,
  ThryveLegacySourceUpdate,
  ThryveLegacySourceUpdatePayload,
  ThryvePayloadMap,
  ThryveSourceNotificationData,
} from '../../../src/providers/thryve/payload-types.js';
import type { thryveProvider } from '../../../src/providers/thryve/provider.js';
import type { thryveSamples } from '../../../src/providers/thryve/samples.js';
import type {
  dailyAdditionalDetailsSchema,
  dailyDataSourceSchema,
  dailyPointSchema,
  epochAdditionalDetailsSchema,
  epochDataSourceSchema,
  epochPointSchema,
} from '../../../src/providers/thryve/schemas/data-push.js';
import type { thryveSchemas } from '../../../src/providers/thryve/schemas/index.js';
import type {
  legacyDailyRangeSchema,
  legacyEpochRangeSchema,
  legacySourceUpdateBodySchema,
  legacySourceUpdateSchema,
} from '../../../src/providers/thryve/schemas/legacy.js';
import type {
  dailyNotificationDataSchema,
  epochNotificationDataSchema,
  sourceNotificationDataSchema,
} from '../../../src/providers/thryve/schemas/notifications.js';
import type { ThryveEvent, ThryveEventMap } from '../../../src/providers/thryve/types.js';

/** A subscription API shaped like the receiver's `on`: the handler is typed by the name. */
declare function on<Name extends keyof ThryveEventMap>(name: Name, handler: (event: ThryveEventMap[Name]) => void): void;

type RequiredKeys<T> = { [K in keyof T]-?: Partial<Pick<T, K>> extends Pick<T, K> ? never : K }[keyof T];
type SchemaProperties<Schema> = Schema extends { readonly properties: infer Properties } ? keyof Properties : never;
type SchemaRequired<Schema> = Schema extends { readonly required: readonly (infer Key)[] } ? Key : never;
type SchemaTypes<Schema> = Schema extends { readonly properties: { readonly type: { readonly enum: readonly (infer Type)[] } } } ? Type : never;

describe('Thryve event types', () => {
  it('types a handler by the event name it subscribes to', () => {
    on('event.data.epoch.create', (event) => {
      expectTypeOf(event.type).toEqualTypeOf<'event.data.epoch.create'>();
      expectTypeOf(event.provider).toEqualTypeOf<'thryve'>();
      expectTypeOf(event.points[0]).toEqualTypeOf<ThryveEventMap['event.data.epoch.create']['points'][number] | undefined>();
      const point = event.points[0];
      if (point === undefined) return;
      expectTypeOf(point.start).toEqualTypeOf<Date>();
      expectTypeOf(point.end).toEqualTypeOf<Date | undefined>();
      expectTypeOf(point.dataTypeId).toEqualTypeOf<number>();
      expectTypeOf(point.value).toEqualTypeOf<string | undefined>();
      expectTypeOf(point.numericValue).toEqualTypeOf<number | undefined>();
      expectTypeOf(point.raw).toEqualTypeOf<ThryveEpochDataPoint>();
      expectTypeOf(point.details?.generationType).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.payload).toEqualTypeOf<ThryveEpochDataPayload<'event.data.epoch.create'>>();
      expectTypeOf(event.payload.data).toEqualTypeOf<ThryveEpochDataSource | readonly ThryveEpochDataSource[]>();
      // @ts-expect-error epoch points have a start, not a day
      void point.day;
    });
    on('event.data.daily.update', (event) => {
      expectTypeOf(event.points[0]?.day).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.points[0]?.raw.day).toEqualTypeOf<string | number | undefined>();
    });
    on('notification.source.connect', (event) => {
      expectTypeOf(event.payload.type).toEqualTypeOf<'notification.source.connect' | 'webhook.source.connect'>();
      expectTypeOf(event.occurredAt).toEqualTypeOf<Date | undefined>();
    });
    on('notification.data.daily.createupdate', (event) => {
      expectTypeOf(event.startDay).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.dataTypeIds).toEqualTypeOf<readonly number[]>();
    });
    on('legacy.sourceUpdate', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<ThryveLegacySourceUpdatePayload>();
      expectTypeOf(event.endUserId).toEqualTypeOf<string>();
    });
    // @ts-expect-error not a Thryve event name
    on('event.data.epoch.created', () => {});
    // @ts-expect-error webhook.source.connect is accepted on the wire but subscribed to by its notification.* name
    on('webhook.source.connect', () => {});
  });

  it('narrows the ThryveEvent union by type', () => {
    expectTypeOf<ThryveEvent['type']>().toEqualTypeOf<ThryveEventType>();
    const narrow = (event: ThryveEvent) => {
      if (event.type === 'event.data.daily.create') expectTypeOf(event.points[0]?.day).toEqualTypeOf<string | undefined>();
      // @ts-expect-error points exist only on data pushes
      void event.points;
    };
    expectTypeOf(narrow).toBeFunction();
    expectTypeOf<ReturnType<typeof thryveProvider.toEvent>>().toEqualTypeOf<ThryveEvent>();
  });

  it('covers every event type in the event map, payload map, schemas and samples', () => {
    expectTypeOf<keyof ThryveEventMap>().toEqualTypeOf<ThryveEventType>();
    expectTypeOf<keyof ThryvePayloadMap>().toEqualTypeOf<ThryveEventType>();
    expectTypeOf<keyof typeof thryveSchemas>().toEqualTypeOf<ThryveEventType>();
    expectTypeOf<keyof typeof thryveSamples>().toEqualTypeOf<ThryveEventType>();
    expectTypeOf<ReturnType<(typeof thryveSamples)['event.data.daily.create']>>().toEqualTypeOf<ThryvePayloadMap['event.data.daily.create']>();
  });
});

describe('Thryve payload types and schemas stay in step', () => {
  it('list the same properties and required properties', () => {
    expectTypeOf<SchemaProperties<typeof epochPointSchema>>().toEqualTypeOf<keyof ThryveEpochDataPoint>();
    expectTypeOf<SchemaRequired<typeof epochPointSchema>>().toEqualTypeOf<RequiredKeys<ThryveEpochDataPoint>>();
    expectTypeOf<SchemaProperties<typeof dailyPointSchema>>().toEqualTypeOf<keyof ThryveDailyDataPoint>();
    expectTypeOf<SchemaRequired<typeof dailyPointSchema>>().toEqualTypeOf<RequiredKeys<ThryveDailyDataPoint>>();
    expectTypeOf<SchemaProperties<typeof epochAdditionalDetailsSchema>>().toEqualTypeOf<keyof ThryveEpochAdditionalDetails>();
    expectTypeOf<RequiredKeys<ThryveEpochAdditionalDetails>>().toEqualTypeOf<never>();
    expectTypeOf<SchemaProperties<typeof dailyAdditionalDetailsSchema>>().toEqualTypeOf<keyof ThryveDailyAdditionalDetails>();
    expectTypeOf<SchemaProperties<typeof epochDataSourceSchema>>().toEqualTypeOf<keyof ThryveEpochDataSource>();
    expectTypeOf<SchemaRequired<typeof epochDataSourceSchema>>().toEqualTypeOf<RequiredKeys<ThryveEpochDataSource>>();
    expectTypeOf<SchemaProperties<typeof dailyDataSourceSchema>>().toEqualTypeOf<keyof ThryveDailyDataSource>();
    expectTypeOf<SchemaRequired<typeof dailyDataSourceSchema>>().toEqualTypeOf<RequiredKeys<ThryveDailyDataSource>>();
    expectTypeOf<SchemaProperties<typeof sourceNotificationDataSchema>>().toEqualTypeOf<keyof ThryveSourceNotificationData>();
    expectTypeOf<SchemaRequired<typeof sourceNotificationDataSchema>>().toEqualTypeOf<RequiredKeys<ThryveSourceNotificationData>>();
    expectTypeOf<SchemaProperties<typeof epochNotificationDataSchema>>().toEqualTypeOf<keyof ThryveEpochNotificationData>();
    expectTypeOf<SchemaRequired<typeof epochNotificationDataSchema>>().toEqualTypeOf<RequiredKeys<ThryveEpochNotificationData>>();
    expectTypeOf<SchemaProperties<typeof dailyNotificationDataSchema>>().toEqualTypeOf<keyof ThryveDailyNotificationData>();
    expectTypeOf<SchemaRequired<typeof dailyNotificationDataSchema>>().toEqualTypeOf<RequiredKeys<ThryveDailyNotificationData>>();
    expectTypeOf<SchemaProperties<typeof legacySourceUpdateBodySchema>>().toEqualTypeOf<keyof ThryveLegacySourceUpdate>();
    expectTypeOf<SchemaRequired<typeof legacySourceUpdateBodySchema>>().toEqualTypeOf<RequiredKeys<ThryveLegacySourceUpdate>>();
    expectTypeOf<SchemaProperties<typeof legacySourceUpdateSchema>>().toEqualTypeOf<keyof ThryveLegacySourceUpdatePayload>();
    expectTypeOf<SchemaProperties<typeof legacyDailyRangeSchema>>().toEqualTypeOf<keyof ThryveLegacyDailyRange>();
    expectTypeOf<SchemaProperties<typeof legacyEpochRangeSchema>>().toEqualTypeOf<keyof ThryveLegacyEpochRange>();
  });

  it('share one envelope and accept exactly the type spellings the payload types name', () => {
    type Enveloped = Exclude<ThryveEventType, 'legacy.sourceUpdate'>;
    type EnvelopeOf<Type extends Enveloped> = (typeof thryveSchemas)[Type];
    expectTypeOf<SchemaProperties<EnvelopeOf<Enveloped>>>().toEqualTypeOf<keyof ThryveEnvelope<string, unknown>>();
    expectTypeOf<SchemaRequired<EnvelopeOf<Enveloped>>>().toEqualTypeOf<RequiredKeys<ThryveEnvelope<string, unknown>>>();
    expectTypeOf<{ [Type in Enveloped]: SchemaTypes<EnvelopeOf<Type>> }>().toEqualTypeOf<{ [Type in Enveloped]: ThryvePayloadMap[Type]['type'] }>();
  });
});
