// The inbox worker: dispatches stored deliveries after the HTTP acknowledgement.
export {
  createDispatcher,
  DISPATCHER_DEFAULTS,
  HandlerTimeoutError,
  type Dispatcher,
  type DispatcherOptions,
  type DispatchedDelivery,
  type DispatchErrorContext,
  type DispatchPhase,
  type DispatchSummary,
  type LocalReservation,
} from './dispatcher.js';
export { DEFAULT_BACKOFF, fullJitterDelay, type BackoffOptions } from './backoff.js';
