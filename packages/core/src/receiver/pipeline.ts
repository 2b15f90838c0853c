import type { Authenticator } from '../auth/authenticator.js';
import { DEFAULT_BODY_LIMITS, type BodyLimits } from '../body/limits.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';

/**
 * What the stages of one receiver's pipeline need, fixed when the receiver is created. The stages
 * (`request-stages.ts`, `payload-stages.ts`) are plain functions of this and the request, so each can
 * be tested alone; `receiveDelivery` runs them in order.
 *
 * Room for what is added next, passed through here rather than through each stage's arguments: a
 * process-wide body budget for `readWireBody`, a header-only precheck of the signature schemes
 * (before the body is read), a logger, and the drift check of issue 9 (see `receiveDelivery`).
 */
export interface ReceiverPipeline<Event> {
  readonly provider: ProviderDefinition<Event>;
  readonly limits: BodyLimits;
  /** Current time in epoch milliseconds (signed timestamps and `receivedAt`). */
  readonly clock: () => number;
  /** Refuse unknown and invalid deliveries with 422 instead of acknowledging them. */
  readonly strict: boolean;
  /** Authenticators by what they check: headers alone, the wire bytes, the decoded bytes. */
  readonly headerAuth: readonly Authenticator[];
  readonly wireAuth: readonly Authenticator[];
  readonly decodedAuth: readonly Authenticator[];
  /** See `PipelineOptions.repeatWindowMs`. */
  readonly repeatWindowMs: ((eventType: string) => number | undefined) | undefined;
}

export interface PipelineOptions {
  readonly authenticators: readonly Authenticator[];
  readonly limits?: Partial<BodyLimits>;
  readonly clock?: () => number;
  readonly strict?: boolean;
  /**
   * For a provider whose delivery key is a hash of the body: the event types whose identical bodies
   * are new deliveries again after a while (a notification that something changed, sent again), and
   * that while. The key then names the window of that length the delivery was received in.
   */
  readonly repeatWindowMs?: (eventType: string) => number | undefined;
}

export function createPipeline<Event>(provider: ProviderDefinition<Event>, options: PipelineOptions): ReceiverPipeline<Event> {
  const byStage = (stage: Authenticator['stage']) => options.authenticators.filter((a) => a.stage === stage);
  return {
    provider,
    limits: { ...DEFAULT_BODY_LIMITS, ...options.limits },
    clock: options.clock ?? Date.now,
    strict: options.strict === true,
    headerAuth: byStage('headers'),
    wireAuth: byStage('wire'),
    decodedAuth: byStage('decoded'),
    repeatWindowMs: options.repeatWindowMs,
  };
}
