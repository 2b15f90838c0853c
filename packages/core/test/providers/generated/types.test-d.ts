import { describe, expectTypeOf, it } from 'vitest';
import type { TerraEventType } from '../../../src/providers/terra/generated/event-types.js';
import type { TerraPayloadMap, TerraUser } from '../../../src/providers/terra/generated/types.js';
import type { VitalEventType } from '../../../src/providers/vital/generated/event-types.js';
import type {
  ClientFacingSleep,
  ClientFacingSource,
  SleepType,
  VitalPayloadMap,
} from '../../../src/providers/vital/generated/types.js';

describe('generated payload types', () => {
  it('types daily.data.sleep.created down to the sleep summary fields', () => {
    type Sleep = VitalPayloadMap['daily.data.sleep.created']['data'];
    expectTypeOf<Sleep>().toEqualTypeOf<ClientFacingSleep>();
    // The gate guarantees the summary's id (its record key): required.
    expectTypeOf<Sleep['id']>().toEqualTypeOf<string>();
    // Required by the spec but not by the gate: widened to absent or null, as providers send them.
    expectTypeOf<Sleep['bedtime_start']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Sleep['duration']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<Sleep['deep']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<Sleep['score']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<Sleep['source']>().toEqualTypeOf<ClientFacingSource | null | undefined>();
    // An open enum: the known values, and any other string.
    expectTypeOf<Sleep['type']>().toEqualTypeOf<SleepType | null | undefined>();
    expectTypeOf<'long_sleep'>().toExtend<SleepType>();
    expectTypeOf<'a_type_vital_adds_later'>().toExtend<SleepType>();
    expectTypeOf<Sleep>().not.toHaveProperty('not_a_sleep_field');
  });

  it('pins the discriminator to the event type, and knows who carries no user', () => {
    expectTypeOf<VitalPayloadMap['daily.data.sleep.created']['event_type']>().toEqualTypeOf<'daily.data.sleep.created'>();
    expectTypeOf<VitalPayloadMap['daily.data.sleep.updated']['data']>().toEqualTypeOf<ClientFacingSleep>();
    expectTypeOf<VitalPayloadMap['daily.data.sleep.created']>().toHaveProperty('user_id');
    expectTypeOf<VitalPayloadMap['labtest.match_review.created']>().not.toHaveProperty('user_id');
    // A failed auth may name no user; a deauth's user is guaranteed, with its id.
    expectTypeOf<TerraPayloadMap['auth']['user']>().toEqualTypeOf<TerraUser | null | undefined>();
    expectTypeOf<TerraPayloadMap['deauth']['user']>().toEqualTypeOf<TerraUser>();
    expectTypeOf<TerraUser['user_id']>().toEqualTypeOf<string>();
    expectTypeOf<TerraUser['provider']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<TerraPayloadMap['auth_cancelled']>().not.toHaveProperty('user');
    expectTypeOf<TerraPayloadMap['s3_upload']['type']>().toEqualTypeOf<'s3_upload'>();
    expectTypeOf<TerraPayloadMap['daily']['data'][number]['metadata']['start_time']>().toEqualTypeOf<string>();
    expectTypeOf<TerraPayloadMap['sleep']['data'][number]['metadata']['start_time']>().toEqualTypeOf<string | null | undefined>();
  });

  it('maps exactly the listed event types', () => {
    expectTypeOf<keyof VitalPayloadMap>().toEqualTypeOf<VitalEventType>();
    expectTypeOf<keyof TerraPayloadMap>().toEqualTypeOf<TerraEventType>();
  });
});
