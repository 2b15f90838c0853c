import { describe, expect, it } from 'vitest';
import type { Athlete, Body, HormoneSample, PlannedWorkout, Sleep } from '../../../src/providers/terra/generated/types.js';
import { TERRA_RECORD_KINDS, terraAthleteRecordRef, terraRecordKey, terraRecordRefs } from '../../../src/providers/terra/record-keys.js';
import { terraSamples } from '../../../src/providers/terra/samples.js';
import { terraDatePart, terraEpochMs } from '../../../src/providers/terra/timestamps.js';

const USER = 'terra-user-1';

function sleep(metadata: Partial<Sleep['metadata']>): Sleep {
  const [item] = terraSamples.sleep().data;
  return { ...item!, metadata: { ...item!.metadata, ...metadata } };
}

function body(startTime: string): Body {
  return { metadata: { start_time: startTime, end_time: startTime } };
}

describe('Terra record keys', () => {
  it('keys activity, sleep and health observations by summary_id', () => {
    const [activity] = terraSamples.activity().data;
    expect(terraRecordKey('activity', activity!)).toBe('123e4567-e89b-12d3-a456-426614174000');
    expect(terraRecordKey('sleep', sleep({ summary_id: 'abc' }))).toBe('abc');
    const [observation] = terraSamples.health_observation().data;
    expect(terraRecordKey('health_observation', observation!)).toBe('c41f7a2e-0d3b-4b6e-9a85-2f1e7d6c5b40');
  });

  it('keys a sleep without summary_id by its start instant, whatever the offset it is written in', () => {
    const key = terraRecordKey('sleep', sleep({ summary_id: null, start_time: '2024-04-30T23:12:00.000000+01:00' }));
    expect(key).toBe(`start:${Date.parse('2024-04-30T22:12:00Z')}`);
    expect(terraRecordKey('sleep', sleep({ summary_id: undefined, start_time: '2024-04-30T22:12:00Z' }))).toBe(key);
    expect(terraRecordKey('sleep', sleep({ summary_id: '', start_time: '2024-04-30T22:12:00Z' }))).toBe(key);
    expect(terraRecordKey('sleep', sleep({ summary_id: null, start_time: '2024-04-30T22:13:00Z' }))).not.toBe(key);
  });

  it('keys daily, body, menstruation and nutrition by the local date of start_time', () => {
    expect(terraRecordKey('body', body('2024-05-01T00:00:00.000000+01:00'))).toBe('2024-05-01');
    // The UTC instant of a local midnight east of Greenwich is the day before; the day meant is local.
    expect(terraRecordKey('daily', { metadata: { start_time: '2024-05-01T00:00:00+02:00', end_time: '2024-05-02T00:00:00+02:00', upload_type: 0 } })).toBe(
      '2024-05-01',
    );
    const [menstruation] = terraSamples.menstruation().data;
    const [nutrition] = terraSamples.nutrition().data;
    expect(terraRecordKey('menstruation', menstruation!)).toBe('2024-05-01');
    expect(terraRecordKey('nutrition', nutrition!)).toBe('2024-05-01');
    // Two updates of one day share a key; the next day does not.
    expect(terraRecordKey('body', body('2024-05-01T18:00:00+01:00'))).toBe('2024-05-01');
    expect(terraRecordKey('body', body('2024-05-02T00:00:00+01:00'))).toBe('2024-05-02');
    expect(terraRecordKey('body', body('not a date'))).toBe('not a date');
  });

  it('keys hormone samples by their instant', () => {
    const sample = (timestamp: string): HormoneSample => ({ timestamp, lh_mIU_per_ml: 5 });
    expect(terraRecordKey('hormone', sample('2024-05-01T07:15:00+01:00'))).toBe(terraRecordKey('hormone', sample('2024-05-01T06:15:00.000000Z')));
    expect(terraRecordKey('hormone', sample('2024-05-01T07:16:00+01:00'))).not.toBe(terraRecordKey('hormone', sample('2024-05-01T07:15:00+01:00')));
  });

  it('keys planned workouts by the first id they have, and skips those with none', () => {
    const workout = (ids: Partial<PlannedWorkout>): PlannedWorkout => ({ planned_date: '2024-05-03', ...ids });
    expect(terraRecordKey('planned_workout', workout({ planned_workout_id: 'p', workout_id: 'w', provider_workout_id: 'v' }))).toBe('p');
    expect(terraRecordKey('planned_workout', workout({ planned_workout_id: null, workout_id: 'w', provider_workout_id: 'v' }))).toBe('w');
    expect(terraRecordKey('planned_workout', workout({ provider_workout_id: 'v' }))).toBe('v');
    expect(terraRecordKey('planned_workout', workout({}))).toBeUndefined();
    const records = terraRecordRefs('planned_workout', USER, [workout({}), workout({ workout_id: 'w' })]);
    expect(records.map((record) => record.key)).toEqual(['w']);
  });

  it('builds versionless records of the given kind for the user, with the item as data', () => {
    const items = terraSamples.activity().data;
    expect(terraRecordRefs('activity', USER, items)).toEqual([
      { kind: TERRA_RECORD_KINDS.activity, userId: USER, key: '123e4567-e89b-12d3-a456-426614174000', version: undefined, data: items[0] },
    ]);
    // The same summary re-sent with more data keeps its key: the newer payload replaces the older.
    const [first] = items;
    const richer = { ...first!, calories_data: { total_burned_calories: 530 } };
    expect(terraRecordRefs('activity', USER, [richer])[0]?.key).toBe(terraRecordRefs('activity', USER, items)[0]?.key);
  });

  it('gives each user one athlete record', () => {
    const athlete: Athlete = { first_name: 'Jane' };
    expect(terraAthleteRecordRef(USER, athlete)).toEqual({ kind: 'terra.athlete', userId: USER, key: 'athlete', version: undefined, data: athlete });
    expect(terraAthleteRecordRef(USER, { first_name: 'J.' }).key).toBe('athlete');
  });

  it('names every kind terra.<type>', () => {
    for (const [type, kind] of Object.entries(TERRA_RECORD_KINDS)) expect(kind).toBe(`terra.${type}`);
  });
});

describe('Terra timestamps', () => {
  it('reads ISO timestamps with microseconds and offsets as epoch ms', () => {
    expect(terraEpochMs('2024-04-29T00:00:00.000000+00:00')).toBe(Date.parse('2024-04-29T00:00:00Z'));
    expect(terraEpochMs('2024-04-29T02:00:00.123456+02:00')).toBe(Date.parse('2024-04-29T00:00:00.123Z'));
    expect(terraEpochMs('2024-04-29T00:00:00')).toBe(Date.parse('2024-04-29T00:00:00Z'));
    for (const bad of ['', 'yesterday', 42, null, undefined]) expect(terraEpochMs(bad)).toBeUndefined();
  });

  it('takes the date as written', () => {
    expect(terraDatePart('2024-04-29T23:30:00-05:00')).toBe('2024-04-29');
    expect(terraDatePart('2024-04-29')).toBe('2024-04-29');
    expect(terraDatePart('29/04/2024')).toBeUndefined();
    expect(terraDatePart('2024-04-290')).toBeUndefined();
    expect(terraDatePart(20240429)).toBeUndefined();
  });
});
