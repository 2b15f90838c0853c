import { describe, expect, it } from 'vitest';
import type { ProviderDefinition } from '../../src/providers/provider-definition.js';
import { terraConformance } from '../../src/providers/terra/generated/conformance.js';
import { terraGate } from '../../src/providers/terra/generated/gate.js';
import { terraProvider } from '../../src/providers/terra/provider.js';
import { terraSamples } from '../../src/providers/terra/samples.js';
import { vitalConformance } from '../../src/providers/vital/generated/conformance.js';
import { vitalGate } from '../../src/providers/vital/generated/gate.js';
import { vitalProvider } from '../../src/providers/vital/provider.js';
import { createReceiver } from '../../src/receiver/create-receiver.js';
import type { ConformanceSchemas } from '../../src/validation/conformance-schemas.js';
import type { StandaloneValidators } from '../../src/validation/standalone-runtime.js';
import { SchemaValidator } from '../../src/validation/schema-validator.js';
import type { Drift } from '../../src/validation/drift.js';

// Each event type's conformance schema is parsed and interpreted on the type's first delivery. These
// tests build each provider with a validator of its own, so that nothing is prepared yet whatever other
// tests in this process did: the first delivery here is the first of its type.

type AnyEvent = { readonly type: string; readonly deliveryKey: string; readonly receivedAt: Date; readonly records: readonly never[]; readonly drift?: Drift };

function fresh(provider: ProviderDefinition<unknown>, gate: StandaloneValidators, conformance: ConformanceSchemas) {
  const validator = new SchemaValidator({ gate, conformance });
  const definition = { ...provider, validator } as unknown as ProviderDefinition<AnyEvent>;
  const receiver = createReceiver<Record<string, AnyEvent>, AnyEvent>(definition, { authenticators: [], allowUnauthenticated: true, logger: false });
  const events: AnyEvent[] = [];
  const unknown: string[] = [];
  receiver.onAny((event) => void events.push(event as AnyEvent));
  receiver.onUnknown((delivery) => void unknown.push(delivery.type));
  const send = (payload: unknown) =>
    receiver.handle({ method: 'POST', headers: { 'content-type': 'application/json' }, body: { kind: 'buffer', buffer: Buffer.from(JSON.stringify(payload)) } });
  return { validator, events, unknown, send };
}

const HEARTRATE = 'daily.data.heartrate.created';
function heartrate(value: unknown): unknown {
  return {
    event_type: HEARTRATE,
    user_id: 'u-1',
    client_user_id: 'c-1',
    team_id: 't-1',
    data: { source: { provider: 'oura' }, data: [{ timestamp: '2024-05-01T07:00:00+00:00', value }] },
  };
}

const cases = [
  {
    name: 'vital',
    make: () => fresh(vitalProvider as ProviderDefinition<unknown>, vitalGate, vitalConformance),
    type: HEARTRATE,
    conforming: heartrate(61),
    drifting: heartrate('high'),
    drift: { issues: [{ path: '/data/data/0/value', message: 'must be number,null' }], truncated: false },
  },
  {
    name: 'terra',
    make: () => fresh(terraProvider as ProviderDefinition<unknown>, terraGate, terraConformance),
    type: 'sleep',
    conforming: terraSamples.sleep(),
    drifting: terraSamples.sleep({ version: 20240501 as never }),
    drift: { issues: [{ path: '/version', message: 'must be string,null' }], truncated: false },
  },
];

describe.each(cases)('$name: drift on the first delivery of a type', ({ make, type, conforming, drifting, drift }) => {
  it('a drifting first delivery in a fresh receiver reports its drift', async () => {
    const { events, send } = make();
    const response = await send(drifting);
    expect(response.status).toBe(204);
    expect(events.map((event) => [event.type, event.drift])).toEqual([[type, drift]]);
  });

  it('a conforming first delivery has no drift, and a drifting second one of the same type has', async () => {
    const { events, send } = make();
    await send(conforming);
    await send(drifting);
    expect(events.map((event) => event.drift)).toEqual([undefined, drift]);
  });

  it('concurrent first deliveries of a type each get their own verdict', async () => {
    const { events, send } = make();
    const responses = await Promise.all([send(drifting), send(conforming), send(drifting)]);
    expect(responses.map((response) => response.status)).toEqual([204, 204, 204]);
    expect(events.map((event) => event.drift)).toEqual([drift, undefined, drift]);
  });
});

describe('a delivery of a type the provider does not list', () => {
  it('reads no conformance schema and is surfaced as unknown', async () => {
    const schemas = new Proxy([...vitalConformance.schemas], {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) throw new Error(`read schema ${key}`);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const { unknown, send } = fresh(vitalProvider as ProviderDefinition<unknown>, vitalGate, { ...vitalConformance, schemas });
    expect((await send({ event_type: 'brand.new.type', data: {} })).status).toBe(204);
    expect(unknown).toEqual(['brand.new.type']);
  });
});
