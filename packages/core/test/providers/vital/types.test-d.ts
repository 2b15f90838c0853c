import { describe, expectTypeOf, it } from 'vitest';
import type {
  VitalEventType,
  VitalHistoricalEventType,
  VitalPayloadWithoutUser,
  VitalResource,
  VitalSummaryEventType,
  VitalTimeseriesEventType,
  VitalUserlessEventType,
} from '../../../src/providers/vital/event-types.js';
import type {
  ClientFacingCholesterolTimeseries,
  ClientFacingHeartRateTimeseries,
  ClientFacingSleep,
  ClientFacingSource,
  HistoricalPullCompleted,
  VitalPayloadMap,
} from '../../../src/providers/vital/generated/types.js';
import type { vitalProvider } from '../../../src/providers/vital/provider.js';
import type { vitalSamples } from '../../../src/providers/vital/samples.js';
import type { VitalEvent, VitalEventMap } from '../../../src/providers/vital/types.js';

/** A subscription API shaped like the receiver's `on`: the handler is typed by the name. */
declare function on<Name extends keyof VitalEventMap>(name: Name, handler: (event: VitalEventMap[Name]) => void): void;

describe('Vital event types', () => {
  it('types daily.data.sleep.created down to the summary fields', () => {
    type SleepEvent = VitalEventMap['daily.data.sleep.created'];
    expectTypeOf<SleepEvent['type']>().toEqualTypeOf<'daily.data.sleep.created'>();
    expectTypeOf<SleepEvent['provider']>().toEqualTypeOf<'vital'>();
    expectTypeOf<SleepEvent['resource']>().toEqualTypeOf<'sleep'>();
    expectTypeOf<SleepEvent['summary']>().toEqualTypeOf<ClientFacingSleep>();
    // Only the gate's fields are promised: the summary's id; the rest may be absent or null.
    expectTypeOf<SleepEvent['summary']['id']>().toEqualTypeOf<string>();
    expectTypeOf<SleepEvent['summary']['deep']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<SleepEvent['summary']['bedtime_start']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<SleepEvent['summary']['score']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<SleepEvent['payload']['data']['hr_average']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<SleepEvent['userId']>().toEqualTypeOf<string>();
    expectTypeOf<SleepEvent['clientUserId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<SleepEvent['teamId']>().toEqualTypeOf<string | undefined>();
  });

  it('leaves the user out of labtest.match_review.*', () => {
    expectTypeOf<VitalEventMap['labtest.match_review.created']>().not.toHaveProperty('userId');
    expectTypeOf<VitalEventMap['labtest.match_review.updated']>().not.toHaveProperty('userId');
    expectTypeOf<VitalEventMap['labtest.match_review.updated']>().not.toHaveProperty('clientUserId');
    expectTypeOf<VitalEventMap['labtest.match_review.updated']['teamId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<VitalEventMap['labtest.order.created']['userId']>().toEqualTypeOf<string>();
  });

  it('types a handler by the event name it subscribes to', () => {
    on('daily.data.heartrate.created', (event) => {
      expectTypeOf(event.resource).toEqualTypeOf<'heartrate'>();
      expectTypeOf(event.source).toEqualTypeOf<ClientFacingSource>();
      expectTypeOf(event.samples).toEqualTypeOf<ClientFacingHeartRateTimeseries[]>();
      // @ts-expect-error timeseries events have samples, not a summary
      void event.summary;
    });
    on('daily.data.cholesterol.updated', (event) => {
      expectTypeOf(event.samples[0]).toEqualTypeOf<ClientFacingCholesterolTimeseries | undefined>();
    });
    on('historical.data.workouts.created', (event) => {
      expectTypeOf(event.resource).toEqualTypeOf<'workouts'>();
      expectTypeOf(event.payload.data).toEqualTypeOf<HistoricalPullCompleted | null | undefined>();
      expectTypeOf(event.start).toEqualTypeOf<Date | undefined>();
      expectTypeOf(event.isFinal).toEqualTypeOf<boolean | undefined>();
      expectTypeOf(event.dataProvider).toEqualTypeOf<string | undefined>();
    });
    on('provider.connection.error', (event) => {
      expectTypeOf(event.errorType).toEqualTypeOf<NonNullable<NonNullable<VitalPayloadMap['provider.connection.error']['data']>['error_type']> | undefined>();
      expectTypeOf<'token_refresh_failed'>().toExtend<typeof event.errorType>();
    });
    on('provider.device.created', (event) => {
      expectTypeOf(event.payload.data.device_model).toEqualTypeOf<string | null | undefined>();
      // @ts-expect-error no normalised extras beyond the user envelope
      void event.resource;
    });
    // Svix's own message when it gives up on a delivery is a typed event without a user.
    on('message.attempt.exhausted', (event) => {
      // @ts-expect-error it names no user
      void event.userId;
    });
  });

  it('narrows the VitalEvent union by type', () => {
    expectTypeOf<VitalEvent['type']>().toEqualTypeOf<VitalEventType>();
    const narrow = (event: VitalEvent) => {
      if (event.type === 'daily.data.body.updated') expectTypeOf(event.summary.weight).toEqualTypeOf<number | null | undefined>();
      // @ts-expect-error match reviews have no user, so not every Vital event does
      void event.userId;
    };
    expectTypeOf(narrow).toBeFunction();
    expectTypeOf<ReturnType<typeof vitalProvider.toEvent>>().toEqualTypeOf<VitalEvent>();
  });
});

describe('Vital event groups stay in step with the generated payloads', () => {
  it('cover every event type exactly once', () => {
    expectTypeOf<keyof VitalEventMap>().toEqualTypeOf<VitalEventType>();
    expectTypeOf<keyof typeof vitalSamples>().toEqualTypeOf<VitalEventType>();
    expectTypeOf<ReturnType<(typeof vitalSamples)['daily.data.sleep.created']>>().toEqualTypeOf<VitalPayloadMap['daily.data.sleep.created']>();
    // Every daily resource has both events, and every group names only real event types.
    expectTypeOf<`daily.data.${VitalResource}.${'created' | 'updated'}`>().toExtend<VitalEventType>();
    expectTypeOf<VitalSummaryEventType | VitalTimeseriesEventType>().toEqualTypeOf<Extract<VitalEventType, `daily.data.${string}`>>();
    expectTypeOf<VitalHistoricalEventType>().toEqualTypeOf<`historical.data.${VitalResource}.created`>();
  });

  it('list as userless exactly the payloads without user_id', () => {
    expectTypeOf<VitalUserlessEventType>().toEqualTypeOf<VitalPayloadWithoutUser>();
  });

  it('call timeseries only what carries a { source, data: [...] } group, and summaries only what does not', () => {
    type Group = { readonly source: ClientFacingSource; readonly data: readonly { readonly timestamp: string }[] };
    expectTypeOf<VitalPayloadMap[VitalTimeseriesEventType]['data']>().toExtend<Group>();
    type SummaryGroups = { [Type in VitalSummaryEventType]: VitalPayloadMap[Type]['data'] extends Group ? Type : never }[VitalSummaryEventType];
    expectTypeOf<SummaryGroups>().toEqualTypeOf<never>();
  });
});
