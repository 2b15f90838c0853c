import type { ProviderDefinition } from '../provider-definition.js';
import { SchemaValidator } from '../../validation/schema-validator.js';
import { vitalDeliveryKey } from './delivery-key.js';
import { toVitalEvent } from './events.js';
import { vitalEventSchemas, vitalSharedSchemas } from './generated/schemas.js';
import type { VitalEvent } from './types.js';

/**
 * The event type of a parsed Vital body: its `event_type` string as sent (unknown ones included, for
 * the receiver to quarantine), or `undefined` when the body is not an object with a non-empty string
 * `event_type`.
 */
export function vitalEventTypeOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const { event_type: eventType } = payload as { readonly event_type?: unknown };
  return typeof eventType === 'string' && eventType !== '' ? eventType : undefined;
}

/** Vital (Junction): event types, schemas, Svix message-id delivery keys and typed events with record keys. */
export const vitalProvider: ProviderDefinition<VitalEvent> = {
  name: 'vital',
  validator: new SchemaValidator(vitalEventSchemas, vitalSharedSchemas),
  eventTypeOf: vitalEventTypeOf,
  deliveryKey: vitalDeliveryKey,
  // Nothing in the headers is part of the event.
  deliveryContext: () => undefined,
  toEvent: toVitalEvent,
};
