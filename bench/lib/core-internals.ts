// The parts of @wearhook/core the per-stage benchmarks call directly. The public entry points come from
// the package; stage functions and the Terra/Vital samples are imported from their source files, all in
// this one file, so a move inside core is fixed here once.
export { readBody } from '../../packages/core/src/body/read-body.js';
export { decodeBody } from '../../packages/core/src/body/decode-body.js';
export { DEFAULT_BODY_LIMITS } from '../../packages/core/src/body/limits.js';
export { decodeZstdWithJs, decodeZstdWithZlib, hasNativeZstd } from '../../packages/core/src/body/zstd-decoder.js';
export { classifyDelivery } from '../../packages/core/src/receiver/classify-delivery.js';
export { hmacSignature } from '../../packages/core/src/auth/hmac-signature.js';
export { terraSignature } from '../../packages/core/src/auth/terra-signature.js';
export { standardWebhooks } from '../../packages/core/src/auth/standard-webhooks.js';
export { thryveProvider } from '../../packages/core/src/providers/thryve/provider.js';
export { terraProvider } from '../../packages/core/src/providers/terra/provider.js';
export { vitalEventSchemas, vitalSharedSchemas } from '../../packages/core/src/providers/vital/generated/schemas.js';
export { vitalProvider } from '../../packages/core/src/providers/vital/provider.js';
export { terraSamples } from '../../packages/core/src/providers/terra/samples.js';
export { vitalSamples } from '../../packages/core/src/providers/vital/samples.js';

import * as parsing from '../../packages/core/src/receiver/parse-json.js';

/** UTF-8 decoding and JSON parsing of a decoded body, as the receiver does it (before or after the split into two functions). */
export function parseBody(body: Buffer): unknown {
  const api = parsing as unknown as { decodeUtf8?: (b: Buffer) => string; parseJson: (input: unknown) => unknown };
  return api.decodeUtf8 === undefined ? api.parseJson(body) : api.parseJson(api.decodeUtf8(body));
}
