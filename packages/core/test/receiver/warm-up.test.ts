import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeZstdWithJs } from '../../src/body/zstd-decoder.js';
import { scanZstdFrames } from '../../src/body/zstd-frames.js';
import type { ProviderDefinition } from '../../src/providers/provider-definition.js';
import { terraProvider } from '../../src/providers/terra/index.js';
import { thryveProvider } from '../../src/providers/thryve/index.js';
import { THRYVE_WARM_UP_FRAME } from '../../src/providers/thryve/warm-up.js';
import { vitalProvider } from '../../src/providers/vital/index.js';
import { createThryveReceiver } from '../../src/receiver/thryve-receiver.js';
import { deliveryFinished, deliveryStarted, scheduleWarmUp, warmUp } from '../../src/receiver/warm-up.js';
import { SchemaValidator } from '../../src/validation/schema-validator.js';
import { thryveConformance } from '../../src/providers/thryve/generated/conformance.js';
import { thryveGate } from '../../src/providers/thryve/generated/gate.js';
import { createMemoryStore } from '../../src/stores/index.js';

describe('each provider’s warm-up deliveries', () => {
  // A schema or event-builder change that makes a sample drift or fail would make the warm-up run
  // paths real deliveries do not (report mode, quarantine) and leave theirs cold: it must fail here.
  it.each([
    [thryveProvider, ['event.data.epoch.create', 'event.data.daily.create']],
    [terraProvider, ['activity', 'daily']],
    [vitalProvider, ['daily.data.heartrate.created', 'daily.data.sleep.created']],
  ] as const)('%s: every one comes through the pipeline as a conforming typed event', async (provider, types) => {
    const outcomes = await warmUp(provider as ProviderDefinition<unknown>);
    expect(outcomes).toEqual(types.map((type) => ({ type, conforming: true })));
  });

  it('Thryve’s zstd frame decodes with the JS decoder to what the zstd tool makes of it, compressed JSON not stored', () => {
    const frame = Buffer.from(THRYVE_WARM_UP_FRAME, 'base64');
    const byTool = execFileSync('/usr/bin/zstd', ['-d', '-c', '-q'], { input: frame });
    const byJs = decodeZstdWithJs(frame, 1024 * 1024);
    expect(byJs.equals(byTool)).toBe(true);
    expect(frame.length).toBeLessThan(byJs.length / 2);
    expect(scanZstdFrames(frame, byJs.length).frames).toHaveLength(1);
  });
});

/** A provider that counts what the warm-up asks of it; `onSamples` runs when the warm-up starts. */
function countingProvider(onSamples: () => void = () => {}): { provider: ProviderDefinition<unknown>; samples: () => number } {
  let samples = 0;
  const provider: ProviderDefinition<unknown> = {
    ...thryveProvider,
    // Its own validator: the warm-up is once per validator.
    validator: new SchemaValidator({ gate: {}, conformance: { eventTypes: {}, schemas: [], shared: {} } }),
    warmUpDeliveries: () => {
      samples += 1;
      onSamples();
      return [];
    },
  };
  return { provider, samples: () => samples };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scheduleWarmUp', () => {
  it('runs nothing during the call, then once in a later turn, however often it is scheduled', async () => {
    const { provider, samples } = countingProvider();
    const first = scheduleWarmUp(provider);
    expect(first).toBeInstanceOf(Promise);
    expect(samples()).toBe(0);
    expect(scheduleWarmUp(provider)).toBeUndefined();
    expect(scheduleWarmUp({ ...provider })).toBeUndefined();
    await first;
    expect(samples()).toBe(1);
    expect(scheduleWarmUp(provider)).toBeUndefined();
  });

  it('a failing warm-up settles quietly: it only costs the first delivery its speed', async () => {
    const { provider } = countingProvider();
    const failing: ProviderDefinition<unknown> = {
      ...provider,
      warmUpDeliveries: () => [{ headers: { 'content-type': 'application/json' }, body: Buffer.from('not json') }],
    };
    await expect(scheduleWarmUp(failing)).resolves.toEqual([]);
  });

  it('waits while any delivery is under way, so no delivery ever waits for a warm-up', async () => {
    const { provider, samples } = countingProvider();
    deliveryStarted();
    const warmUpDone = scheduleWarmUp(provider);
    await sleep(80);
    expect(samples()).toBe(0);
    deliveryFinished(countingProvider().provider, false);
    await warmUpDone;
    expect(samples()).toBe(1);
  });

  it('skips a provider whose delivery went through every stage: it is warm already', async () => {
    const { provider, samples } = countingProvider();
    deliveryStarted();
    deliveryFinished(provider, true);
    expect(scheduleWarmUp(provider)).toBeUndefined();
    // Queued before its delivery completed: settles without running.
    const other = countingProvider();
    const queuedFirst = scheduleWarmUp(other.provider);
    deliveryStarted();
    deliveryFinished(other.provider, true);
    await expect(queuedFirst).resolves.toEqual([]);
    expect([samples(), other.samples()]).toEqual([0, 0]);
  });

  it('warms one provider after the other, so the event loop serves I/O between them', async () => {
    let secondWhenFirstYielded = -1;
    const second = countingProvider();
    const first = countingProvider(() => setImmediate(() => (secondWhenFirstYielded = second.samples())));
    const done = [scheduleWarmUp(first.provider), scheduleWarmUp(second.provider)];
    await Promise.all(done);
    expect(second.samples()).toBe(1);
    // The check phase ran after the first warm-up and before the second.
    expect(secondWhenFirstYielded).toBe(0);
  });

  it('runs one sample delivery per timer turn: the first of a process costs the most, so none runs beside it', async () => {
    let events = 0;
    let eventsWhenFirstYielded = -1;
    const provider: ProviderDefinition<unknown> = {
      ...thryveProvider,
      validator: new SchemaValidator({ gate: thryveGate, conformance: thryveConformance }),
      toEvent: (context) => {
        events += 1;
        if (events === 1) setImmediate(() => (eventsWhenFirstYielded = events));
        return thryveProvider.toEvent(context);
      },
    };
    const outcomes = await scheduleWarmUp(provider);
    expect(outcomes?.map((outcome) => outcome.type)).toEqual(['event.data.epoch.create', 'event.data.daily.create']);
    expect(events).toBe(2);
    // The check phase ran between the two deliveries.
    expect(eventsWhenFirstYielded).toBe(1);
  });

  it('a receiver’s warm-up reaches none of its handlers, its store, its logger or onError', async () => {
    const store = createMemoryStore();
    const logged: unknown[] = [];
    const handled: unknown[] = [];
    const errors: unknown[] = [];
    const logger = { info: (o: unknown) => logged.push(o), warn: (o: unknown) => logged.push(o), error: (o: unknown) => logged.push(o) };
    const receiver = createThryveReceiver({ secret: 'warm-up-secret', store, logger })
      .onAny((event) => void handled.push(event))
      .onError((event) => void errors.push(event));
    // The provider's warm-up, queued by the receiver, settles within a few turns.
    const again = await warmUp(thryveProvider);
    await sleep(50);
    expect(again.map((o) => o.conforming)).toEqual([true, true]);
    expect(handled).toEqual([]);
    expect(logged).toEqual([]);
    expect(errors).toEqual([]);
    expect(await store.claim({ workerId: 'w', leaseMs: 1000, limit: 10, now: new Date(Date.now() + 3_600_000) })).toEqual([]);
    await receiver.close();
    await store.close();
  });
});
