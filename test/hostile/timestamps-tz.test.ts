// Issue 9, item 9: one strict, time-zone-independent timestamp parser. Every reader is run in child
// processes under several TZ values (TZ is read once, at process start, so it cannot be changed here).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/app-processes.js';

const ZONES = ['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Europe/Berlin'];
const NO_OFFSET = '2024-04-29 10:00:00';
const NO_OFFSET_T = '2024-04-29T10:00:00';
const IMPOSSIBLE = ['2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-04-31T10:00:00+00:00', '2024-13-01T00:00:00Z', '2024-04-29T24:00:00Z'];
const VALUES = [NO_OFFSET, NO_OFFSET_T, '2024-04-29T10:00:00.123456+02:00', '2024-04-29', ...IMPOSSIBLE];

interface Reading {
  readonly tz: string;
  readonly offsetMinutes: number;
  readonly out: Record<string, Record<string, number | string | null>>;
}

function readIn(tz: string): Reading {
  const result = spawnSync(
    process.execPath,
    ['--conditions=wearhook:source', '--import', 'tsx', 'test/hostile/fixtures/read-timestamps.ts', JSON.stringify(VALUES)],
    { cwd: REPO_ROOT, env: { ...process.env, TZ: tz, NODE_OPTIONS: '' }, encoding: 'utf8', timeout: 60_000 },
  );
  if (result.status !== 0) throw new Error(`child under TZ=${tz} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Reading;
}

describe('timestamps read the same under every TZ (issue 9, item 9)', () => {
  const readings = ZONES.map(readIn);

  it('the zones really differ (the test would prove nothing otherwise)', () => {
    expect(new Set(readings.map((r) => r.offsetMinutes)).size).toBeGreaterThanOrEqual(4);
  });

  it('"2024-04-29 10:00:00" (no offset) is 10:00 UTC in every zone and every instant reader', () => {
    const utc = Date.UTC(2024, 3, 29, 10);
    for (const { tz, out } of readings) {
      for (const reader of ['isoEpochMs', 'terraEpochMs', 'vitalEpochMs', 'thryveEpochMs', 'parseFlexibleTimestamp']) {
        expect(out[reader]![NO_OFFSET], `${reader} under TZ=${tz}`).toBe(utc);
        expect(out[reader]![NO_OFFSET_T], `${reader} under TZ=${tz}`).toBe(utc);
      }
      expect(out.isoEpochMs!['2024-04-29T10:00:00.123456+02:00'], `TZ=${tz}`).toBe(utc - 2 * 3_600_000 + 123);
      expect(out.thryveDay![NO_OFFSET], `TZ=${tz}`).toBe('2024-04-29');
    }
  });

  it('impossible dates and times are refused, never rolled over (2024-02-30 is not March 1st)', () => {
    for (const { tz, out } of readings) {
      for (const [reader, results] of Object.entries(out)) {
        for (const value of IMPOSSIBLE) expect(results[value], `${reader}(${value}) under TZ=${tz}`).toBeNull();
      }
    }
  });

  it('every reader gives identical results in every zone', () => {
    const [first, ...rest] = readings;
    for (const reading of rest) expect(reading.out, `TZ=${reading.tz} vs TZ=${first!.tz}`).toEqual(first!.out);
  });
});
