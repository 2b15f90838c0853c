import type { BodyLimits } from '../body/limits.js';

/** Options every provider's receiver takes. */
export interface CommonReceiverOptions {
  /**
   * Wire and decoded size limits and the slow-body timeout. Defaults: `DEFAULT_BODY_LIMITS`.
   */
  readonly limits?: Partial<BodyLimits>;
  /**
   * Answer 422 to unknown event types and payloads that fail their schema, instead of acknowledging
   * and surfacing them through `onUnknown`/`onInvalid`. Off by default: such deliveries are not the
   * sender's fault to retry, and Thryve disables webhooks after repeated failures.
   */
  readonly strict?: boolean;
  /** Current time in epoch milliseconds; inject a fixed clock in tests of signed timestamps. */
  readonly clock?: () => number;
}
