// The inbox worker: dispatches stored deliveries after the HTTP acknowledgement.
export {
  createDispatcher,
  type Dispatcher,
  type DispatcherOptions,
  type DispatchErrorContext,
  type DispatchPhase,
  type DispatchSummary,
} from './dispatcher.js';
export { DEFAULT_BACKOFF, fullJitterDelay, type BackoffOptions } from './backoff.js';
