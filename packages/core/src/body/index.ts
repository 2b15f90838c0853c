export { DEFAULT_BODY_LIMITS, type BodyLimits } from './limits.js';
export { readBody } from './read-body.js';
export { decodeBody } from './decode-body.js';
export { MAX_CONTENT_CODINGS, SUPPORTED_CONTENT_CODINGS, parseContentEncoding, type ContentCoding } from './content-encoding.js';
export { decodeZstd, decodeZstdWithJs, decodeZstdWithZlib, hasNativeZstd } from './zstd-decoder.js';
export { BodyBudget, SHARED_BODY_BUDGET, BODY_BUDGET_RETRY_AFTER_SECONDS } from './body-budget.js';
