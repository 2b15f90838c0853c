// Issue 9, item 5: Thryve's `timestampType` is read case-insensitively, and each timestamp value is
// detected by itself (ISO string or number; seconds or milliseconds), whatever `timestampType` says.
import { describe, expect, it } from 'vitest';
import { createThryveReceiver } from '../../packages/core/src/receiver/thryve-receiver.js';
import type { ThryveEpochPoint } from '../../packages/core/src/providers/thryve/types.js';
import { thryveSamples } from '../../packages/core/src/testing/index.js';

const START = Date.UTC(2022, 8, 7, 19, 39, 32);

async function pointsOf(timestampType: string, starts: readonly unknown[]): Promise<ThryveEpochPoint[]> {
  const payload = thryveSamples['event.data.epoch.create']() as unknown as { timestampType: string; data: { epochData: Record<string, unknown>[] } };
  const template = payload.data.epochData[0]!;
  payload.timestampType = timestampType;
  payload.data.epochData = starts.map((startTimestamp) => ({ ...template, startTimestamp, endTimestamp: undefined, additionalDetails: undefined }));
  const receiver = createThryveReceiver({ allowUnauthenticated: true });
  let points: ThryveEpochPoint[] | undefined;
  receiver.on('event.data.epoch.create', (event) => {
    points = [...event.points];
  });
  receiver.onInvalid((event) => {
    throw new Error(`quarantined: ${JSON.stringify(event.issues)}`);
  });
  const response = await receiver.handle({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: { kind: 'buffer', buffer: Buffer.from(JSON.stringify(payload)) },
  });
  expect(response.status, response.body).toBe(204);
  return points!;
}

describe('Thryve timestampType (issue 9, item 5)', () => {
  it.each(['iso', 'ISO', 'Iso', 'unix', 'UNIX', 'Unix'])('%s: every value read by itself, ISO, seconds or milliseconds', async (timestampType) => {
    const points = await pointsOf(timestampType, ['2022-09-07T19:39:32Z', START, START / 1000, '2022-09-07 21:39:32+02:00']);
    expect(points.map((point) => point.start.getTime())).toEqual([START, START, START, START]);
  });
});
