import { describe, expectTypeOf, it } from 'vitest';
import type { TerraEventType } from '../../../src/providers/terra/event-types.js';
import type { Athlete, Sleep, SleepMetadata, TerraPayloadMap, TerraUser } from '../../../src/providers/terra/generated/types.js';
import type { terraProvider } from '../../../src/providers/terra/provider.js';
import type { terraSamples } from '../../../src/providers/terra/samples.js';
import type { TerraEvent, TerraEventMap } from '../../../src/providers/terra/types.js';

/** A subscription API shaped like the receiver's `on`: the handler is typed by the name. */
declare function on<Name extends keyof TerraEventMap>(name: Name, handler: (event: TerraEventMap[Name]) => void): void;

describe('Terra event types', () => {
  it('types sleep down to the summary fields', () => {
    type SleepEvent = TerraEventMap['sleep'];
    expectTypeOf<SleepEvent['type']>().toEqualTypeOf<'sleep'>();
    expectTypeOf<SleepEvent['provider']>().toEqualTypeOf<'terra'>();
    expectTypeOf<SleepEvent['payload']>().toEqualTypeOf<TerraPayloadMap['sleep']>();
    expectTypeOf<SleepEvent['payload']['data'][number]>().toEqualTypeOf<Sleep>();
    expectTypeOf<SleepEvent['payload']['data'][number]['metadata']>().toEqualTypeOf<SleepMetadata>();
    // The gate guarantees one of the two, neither alone: both are as wide as the spec's nullable types.
    expectTypeOf<SleepMetadata['summary_id']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<SleepMetadata['start_time']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<NonNullable<NonNullable<Sleep['sleep_durations_data']>['asleep']>['duration_deep_sleep_state_seconds']>().toEqualTypeOf<
      number | null | undefined
    >();
    expectTypeOf<SleepEvent['userId']>().toEqualTypeOf<string>();
    expectTypeOf<SleepEvent['user']>().toEqualTypeOf<TerraUser>();
    expectTypeOf<SleepEvent['reference']>().toEqualTypeOf<string | undefined>();
  });

  it('types a handler by the event name it subscribes to', () => {
    on('athlete', (event) => {
      expectTypeOf(event.athlete).toEqualTypeOf<Athlete>();
      // @ts-expect-error the athlete event has an athlete object, not a data array
      void event.payload.data;
    });
    on('s3_payload', (event) => {
      // The gate guarantees the URL; the expiry is read when sent.
      expectTypeOf(event.url).toEqualTypeOf<string>();
      expectTypeOf(event.expiresAt).toEqualTypeOf<Date | undefined>();
      // @ts-expect-error S3 links name no user
      void event.userId;
    });
    on('large_request_sending', (event) => {
      expectTypeOf(event.reference).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.expectedPayloads).toEqualTypeOf<number | undefined>();
    });
    on('user_reauth', (event) => {
      expectTypeOf(event.userId).toEqualTypeOf<string>();
      expectTypeOf(event.oldUserId).toEqualTypeOf<string | undefined>();
    });
    on('lab_report.completed', (event) => {
      expectTypeOf(event.occurredAt).toEqualTypeOf<Date | undefined>();
      expectTypeOf(event.payload.data.results_count).toEqualTypeOf<number | null | undefined>();
    });
    // Terra's informational notices are typed events too.
    on('healthcheck', (event) => {
      expectTypeOf(event.type).toEqualTypeOf<'healthcheck'>();
      // @ts-expect-error a health check names no user
      void event.userId;
    });
    on('auth', (event) => {
      // A failed authentication may name no user.
      expectTypeOf(event.userId).toEqualTypeOf<string | undefined>();
    });
  });

  it('leaves the user out of events that carry none', () => {
    expectTypeOf<TerraEventMap['auth_cancelled']>().not.toHaveProperty('userId');
    expectTypeOf<TerraEventMap['s3_upload']>().not.toHaveProperty('userId');
    expectTypeOf<TerraEventMap['lab_report.failed']>().not.toHaveProperty('userId');
    expectTypeOf<TerraEventMap['lab_report.failed']>().not.toHaveProperty('user');
    expectTypeOf<TerraEventMap['auth']>().toHaveProperty('userId');
  });

  it('narrows the TerraEvent union by type', () => {
    expectTypeOf<TerraEvent['type']>().toEqualTypeOf<TerraEventType>();
    const narrow = (event: TerraEvent) => {
      // The gate guarantees a daily item's metadata.start_time.
      if (event.type === 'daily') expectTypeOf(event.payload.data[0]?.metadata.start_time).toEqualTypeOf<string | undefined>();
      // @ts-expect-error not every Terra event has a user
      void event.userId;
    };
    expectTypeOf(narrow).toBeFunction();
    expectTypeOf<ReturnType<typeof terraProvider.toEvent>>().toEqualTypeOf<TerraEvent>();
  });

  it('covers every event type in the event map and the samples', () => {
    expectTypeOf<keyof TerraEventMap>().toEqualTypeOf<TerraEventType>();
    expectTypeOf<keyof typeof terraSamples>().toEqualTypeOf<TerraEventType>();
    expectTypeOf<ReturnType<(typeof terraSamples)['sleep']>>().toEqualTypeOf<TerraPayloadMap['sleep']>();
  });
});
