import type { ProviderDefinition } from '../provider-definition.js';
import { SchemaValidator } from '../../validation/schema-validator.js';
import { vitalConformance } from './generated/conformance.js';
import { vitalGate } from './generated/gate.js';
import { vitalDeliveryKey } from './delivery-key.js';
import { isVitalSvixEventType } from './event-types.js';
import { toVitalEvent } from './events.js';
import type { VitalEvent } from './types.js';
import { vitalWarmUpDeliveries } from './warm-up.js';

/**
 * The event type of a parsed Vital body: its `event_type` string as sent (unknown ones included, for
 * the receiver to quarantine), or `undefined` when the body is not an object with a non-empty string
 * `event_type`.
 */
export function vitalEventTypeOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const { event_type: eventType, type } = payload as { readonly event_type?: unknown; readonly type?: unknown };
  if (typeof eventType === 'string' && eventType !== '') return eventType;
  // Svix's own operational events (`message.attempt.exhausted`) name their type in `type`.
  if (eventType === undefined && typeof type === 'string' && isVitalSvixEventType(type)) return type;
  return undefined;
}

/** Vital (Junction): event types, schemas, Svix message-id delivery keys and typed events with record keys. */
export const vitalProvider: ProviderDefinition<VitalEvent> = {
  name: 'vital',
  validator: new SchemaValidator({ gate: vitalGate, conformance: vitalConformance }),
  eventTypeOf: vitalEventTypeOf,
  deliveryKey: vitalDeliveryKey,
  // Nothing in Vital's headers goes into its events (the Svix id is the delivery key already).
  deliveryContext: () => undefined,
  toEvent: toVitalEvent,
  warmUpDeliveries: vitalWarmUpDeliveries,
};
