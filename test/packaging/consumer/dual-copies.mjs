// One app that both imports and requires @wearhook/core gets its ES module and CommonJS builds, two
// copies of WebhookError: isWebhookError from either must recognise an error from the other.
import { createRequire } from 'node:module';
import * as esm from '@wearhook/core';

const cjs = createRequire(import.meta.url)('@wearhook/core');
console.log(
  JSON.stringify({
    twoCopies: esm.WebhookError !== cjs.WebhookError,
    esmSeesCjs: esm.isWebhookError(new cjs.WebhookError('invalid_signature', 'x')),
    cjsSeesEsm: cjs.isWebhookError(new esm.WebhookError('invalid_signature', 'x')),
    plainErrorIsNot: esm.isWebhookError(new Error('x')),
  }),
);
