import { decodeZstdWithJs } from './zstd-decoder.js';

/**
 * A small zstd frame made by the `zstd` tool from Thryve's `event.data.daily.create` sample
 * (`zstd -3 --no-check`, 881 bytes of JSON): a frame of the kind Thryve sends, so decoding it runs the
 * decoder's paths for compressed JSON. `zstd-primer.test.ts` checks it against the tool.
 */
export const ZSTD_PRIMER_FRAME =
  'KLUv/WBxAnUKADYSPCQwqboBWAai6Lqi1GJHbXjCfpA61WaZn0O2T3vaMqTgg4WBMQ4xADIALgDVJ/K3rXMJpmB5vRZubTmd' +
  'to6IB4mJLP0mF9kbCdFMJDEpfImuG+kt3DhgeYVE6lsJCQkuKLjwHmMGDzblvoy8BJg0ozmXrIt6VOB+uyUZsCk7Gvo7Gp46' +
  'xakqF65XWFRN+gNwt1b+jy1wC3wOMhw1EaVknbLfn9mUki9j7G37GG6u2ZRtzNzPz8F9r9PUcEoFWXYgofKrO/zb8Va7QHNw' +
  'zMv1VO7TMa9l2UYMaAE5IA8HWiA8UOQsGhHEsZy6ZNsGMBoEGyQgMELCVPq4Lq1HC8LDNNMSSI6VCPOEDtbE8aBIeNWe4g8r' +
  'nUF2XqQbvfIVjnL1AhptcJiI9fJg2/yqji5/WuFYd1dIG+ZYGNTwI0aZby4DKm3DBjwbHkjCQAE=';

/** What the primer frame decodes to, in bytes. */
export const ZSTD_PRIMER_DECODED_BYTES = 881;

let primed = false;

/**
 * Decodes the primer frame once per process with the pure-JS decoder, the one Thryve's deliveries go
 * to on Node 20 (and, for small bodies, on every Node). The decoder's first frame costs 2-3 ms, most of
 * it V8 compiling and first-running its functions: paid here, when a Thryve receiver is built, rather
 * than inside the first delivery's 2-second deadline; every later frame costs tens of microseconds.
 */
export function primeZstdDecoder(): void {
  if (primed) return;
  primed = true;
  decodeZstdWithJs(Buffer.from(ZSTD_PRIMER_FRAME, 'base64'), ZSTD_PRIMER_DECODED_BYTES);
}
