// Deliveries for the benchmarks: realistic payloads of a chosen decoded size, signed the way each
// provider signs them. HTTP runs sign with a fixed timestamp and give the receivers a clock next to it,
// so a pre-signed request stays valid for the whole run.
import { signHmac, signStandardWebhooks, signTerra, thryveSamples } from '@wearhook/core/testing';
import { terraSamples, vitalSamples } from './core-internals.js';
import { zstd } from './zstd.js';

export type ProviderId = 'thryve' | 'terra' | 'vital';
/** A provider's typical delivery as sent: Thryve's uncompressed or zstd. */
export type PayloadId = 'thryve-json' | 'thryve-zstd' | 'terra' | 'vital';

/** 2026-01-01T00:00:00Z: the `X-HMAC-Timestamp`, `t=` and `svix-timestamp` of pre-signed deliveries. */
export const FIXED_SECONDS = 1_767_225_600;
/** What the receivers' injected clock says: half a second after the signature. */
export const FIXED_NOW_MS = FIXED_SECONDS * 1000 + 500;
export const fixedClock = (): number => FIXED_NOW_MS;

export const SECRETS = {
  thryve: 'wearhook-bench-thryve-hmac-secret',
  terra: 'wearhook-bench-terra-signing-secret',
  vital: `whsec_${Buffer.from('wearhook-bench-vital-secret-0001').toString('base64')}`,
} as const;

/** The decoded size of "one typical delivery" in the targets. */
export const TYPICAL_BYTES = 2500;

export interface Delivery {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`fixture: ${what} is not an object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`fixture: ${what} is not an array`);
  return value;
}

/** Appends `make(i)` to `items` until `payload` serialises to at least `targetBytes`. */
function growTo(payload: unknown, items: unknown[], targetBytes: number, make: (i: number) => unknown): Buffer {
  items.length = 0;
  let size = JSON.stringify(payload).length;
  for (let i = 0; size < targetBytes; i++) {
    const item = make(i);
    items.push(item);
    size += JSON.stringify(item).length + (items.length > 1 ? 1 : 0);
  }
  return Buffer.from(JSON.stringify(payload));
}

const MINUTE = 60_000;
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * A Thryve `event.data.epoch.create` batch of Apple Watch steps, heart rate and interbeat intervals
 * (the shape of wearhook's sample, one point a minute) whose JSON is at least `targetBytes`.
 * `variant` changes the alias only, so each variant is a distinct delivery of the same size.
 */
export function thryveEpochJson(targetBytes: number, variant = 0): Buffer {
  const payload = record(thryveSamples['event.data.epoch.create'](), 'thryve sample');
  payload.endUserAlias = `bench-${String(variant).padStart(8, '0')}`;
  const data = record(payload.data, 'thryve data');
  const template = list(data.epochData, 'epochData');
  const points = template.map((p) => record(p, 'epoch point'));
  const start = Date.parse('2022-09-07T19:39:32Z');
  return growTo(payload, list(data.epochData, 'epochData'), targetBytes, (i) => {
    const model = points[i % points.length] as Record<string, unknown>;
    const details = record(model.additionalDetails, 'additionalDetails');
    const from = start + i * MINUTE;
    const value = model.dataTypeId === 1000 ? `${(20 + ((i * 7) % 90)).toFixed(1)}` : model.dataTypeId === 3000 ? String(60 + ((i * 13) % 70)) : `${690 + (i % 40)},${702 - (i % 30)},${688 + (i % 20)}`;
    return {
      ...model,
      startTimestamp: isoSeconds(from),
      endTimestamp: isoSeconds(from + MINUTE),
      value,
      additionalDetails: { ...details, creationTimestamp: isoSeconds(from + 5 * MINUTE) },
    };
  });
}

/** A Terra `activity` push (a run with per-minute heart-rate samples) of at least `targetBytes`. */
export function terraActivityJson(targetBytes: number): Buffer {
  const payload = record(terraSamples.activity(), 'terra sample');
  const activity = record(list(payload.data, 'terra data')[0], 'terra activity');
  const detailed = record(record(activity.heart_rate_data, 'heart_rate_data').detailed, 'detailed');
  const samples = list(detailed.hr_samples, 'hr_samples');
  const start = Date.parse('2024-05-01T06:04:11Z');
  return growTo(payload, samples, targetBytes, (i) => ({
    // Terra's own format: microseconds and the user's offset.
    timestamp: new Date(start + i * MINUTE + 3_600_000).toISOString().replace('.000Z', '.000000+01:00'),
    bpm: 96 + ((i * 11) % 85),
  }));
}

/** A Vital `daily.data.heartrate.created` timeseries push of at least `targetBytes`. */
export function vitalHeartrateJson(targetBytes: number): Buffer {
  const payload = record(vitalSamples['daily.data.heartrate.created'](), 'vital sample');
  const data = record(payload.data, 'vital data');
  const samples = list(data.data, 'vital samples');
  const start = Date.parse('2024-05-01T08:00:00Z');
  return growTo(payload, samples, targetBytes, (i) => ({
    unit: 'bpm',
    timestamp: new Date(start + i * MINUTE).toISOString().replace('.000Z', '+00:00'),
    value: 60 + ((i * 7) % 40),
    timezone_offset: 3600,
  }));
}

/** The typical payload of each provider, decoded. */
export function typicalJson(provider: ProviderId, variant = 0): Buffer {
  switch (provider) {
    case 'thryve':
      return thryveEpochJson(TYPICAL_BYTES, variant);
    case 'terra':
      return terraActivityJson(TYPICAL_BYTES);
    case 'vital':
      return vitalHeartrateJson(TYPICAL_BYTES);
  }
}

/** A Thryve delivery: zstd (real compression, as Thryve's data push) or not, HMAC over the wire bytes and the timestamp. */
export function thryveDelivery(json: Buffer, options: { readonly compress: boolean; readonly timestamp?: number }): Delivery {
  const body = options.compress ? zstd(json) : json;
  const timestamp = String(options.timestamp ?? FIXED_SECONDS);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-hmac-timestamp': timestamp,
    'x-hmac-signature': signHmac(SECRETS.thryve, body, { timestamp }),
  };
  if (options.compress) headers['content-encoding'] = 'zstd';
  return { body, headers };
}

/** Thryve headers signing `wire` as it is (already encoded with `contentEncoding`). */
export function thryveSignedHeaders(wire: Uint8Array, contentEncoding: string, timestamp = FIXED_SECONDS): Record<string, string> {
  const stamp = String(timestamp);
  return {
    'content-type': 'application/json',
    'content-encoding': contentEncoding,
    'x-hmac-timestamp': stamp,
    'x-hmac-signature': signHmac(SECRETS.thryve, wire, { timestamp: stamp }),
  };
}

/** A Terra delivery; the trace id is Terra's delivery id (not signed). */
export function terraDelivery(json: Buffer, options: { readonly timestamp?: number; readonly traceId?: string } = {}): Delivery {
  return {
    body: json,
    headers: {
      'content-type': 'application/json',
      'terra-signature': signTerra(SECRETS.terra, json, options.timestamp ?? FIXED_SECONDS),
      'x-terra-trace-id': options.traceId ?? 'c0ffee00-0000-4000-8000-000000000001',
    },
  };
}

/** A Vital (Svix) delivery; the message id is signed. */
export function vitalDelivery(json: Buffer, options: { readonly timestamp?: number; readonly id?: string } = {}): Delivery {
  const timestamp = options.timestamp ?? FIXED_SECONDS;
  const id = options.id ?? 'msg_2xBenchmarkDelivery0000001';
  return {
    body: json,
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(timestamp),
      'svix-signature': signStandardWebhooks(SECRETS.vital, id, timestamp, json),
    },
  };
}

/** The typical signed delivery of a provider (Thryve compressed unless told otherwise). */
export function typicalDelivery(provider: ProviderId, options: { readonly compress?: boolean; readonly timestamp?: number } = {}): Delivery {
  const json = typicalJson(provider);
  const timestamp = options.timestamp === undefined ? {} : { timestamp: options.timestamp };
  switch (provider) {
    case 'thryve':
      return thryveDelivery(json, { compress: options.compress ?? true, ...timestamp });
    case 'terra':
      return terraDelivery(json, timestamp);
    case 'vital':
      return vitalDelivery(json, timestamp);
  }
}

/** Deliveries of each payload: `count` distinct ones (different delivery keys), all valid and signed. */
export function distinctDeliveries(payload: PayloadId, count: number): Delivery[] {
  const json = typicalJson(payload === 'thryve-json' || payload === 'thryve-zstd' ? 'thryve' : payload);
  const out: Delivery[] = [];
  if (payload === 'thryve-json' || payload === 'thryve-zstd') {
    // Thryve's delivery key is a hash of the body: vary the alias (same length) for distinct bodies.
    const template = thryveEpochJson(TYPICAL_BYTES, 0).toString('latin1');
    for (let i = 0; i < count; i++) {
      const body = i === 0 ? json : Buffer.from(template.replace('bench-00000000', `bench-${String(i).padStart(8, '0')}`), 'latin1');
      out.push(thryveDelivery(body, { compress: payload === 'thryve-zstd' }));
    }
  } else if (payload === 'terra') {
    // Terra's delivery key is a hash of the body (its trace id is not signed): vary the activity's
    // summary id (same length) for distinct bodies, each with its own trace id as Terra sends them.
    const template = json.toString('latin1');
    const summaryId = /"summary_id":"([^"]{12,})"/.exec(template)?.[1];
    if (summaryId === undefined) throw new Error('bench: the Terra sample has no summary_id to vary');
    for (let i = 0; i < count; i++) {
      const varied = `${summaryId.slice(0, -12)}${String(i).padStart(12, '0')}`;
      const body = i === 0 ? json : Buffer.from(template.replace(summaryId, varied), 'latin1');
      out.push(terraDelivery(body, { traceId: `bench-trace-${i}` }));
    }
  } else {
    for (let i = 0; i < count; i++) out.push(vitalDelivery(json, { id: `msg_bench_${String(i).padStart(10, '0')}` }));
  }
  return out;
}
