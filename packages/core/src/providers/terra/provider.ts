import type { ProviderDefinition } from '../provider-definition.js';
import { SchemaValidator } from '../../validation/schema-validator.js';
import { terraConformance } from './generated/conformance.js';
import { terraGate } from './generated/gate.js';
import { terraDeliveryContext } from './delivery-context.js';
import { terraDeliveryKey } from './delivery-key.js';
import { toTerraEvent } from './events.js';
import type { TerraEvent } from './types.js';
import { terraWarmUpDeliveries } from './warm-up.js';

/**
 * The event type of a parsed Terra body: its `type` string as sent, or `undefined` when the body is
 * not an object with a non-empty string `type`. Types wearhook does not know come back as they are, so
 * the receiver acknowledges them and surfaces them as unknown deliveries.
 */
export function terraEventTypeOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const { type } = payload as { readonly type?: unknown };
  return typeof type === 'string' && type !== '' ? type : undefined;
}

/** Terra: event types, schemas, body-hash delivery keys (see `terraDeliveryKey`) and typed events with record keys. */
export const terraProvider: ProviderDefinition<TerraEvent> = {
  name: 'terra',
  validator: new SchemaValidator({ gate: terraGate, conformance: terraConformance }),
  eventTypeOf: terraEventTypeOf,
  deliveryKey: terraDeliveryKey,
  deliveryContext: terraDeliveryContext,
  toEvent: toTerraEvent,
  warmUpDeliveries: terraWarmUpDeliveries,
};
