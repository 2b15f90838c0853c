// Signature verification side by side on the same bytes: wearhook's verifiers against the providers'
// and the standard's own helpers. Third-party helpers read the real clock, so every delivery here is
// signed just now (valid for their 5-minute tolerance); wearhook's verifiers get the same `now`.
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { verifyTerraWebhookSignature } from 'terra-api';
import { isMain } from './lib/child.js';
import { hmacSignature, standardWebhooks, terraSignature } from './lib/core-internals.js';
import { SECRETS, thryveDelivery, terraDelivery, typicalJson, vitalDelivery } from './lib/fixtures.js';
import { micros, times } from './lib/format.js';
import { runAsScript, type GroupOptions } from './lib/group.js';
import { target, type Section } from './lib/results.js';
import { ratio } from './lib/stats.js';
import { measureAsync, measureSync, type Measurement, type MeasureOptions } from './lib/timing.js';
import { zstdReady } from './lib/zstd.js';

export async function run(options: GroupOptions): Promise<Section> {
  const started = performance.now();
  await zstdReady();
  const timing: MeasureOptions = options.quick ? { warmupMs: 50, durationMs: 150 } : { warmupMs: 200, durationMs: 600 };
  const nowSeconds = Math.floor(Date.now() / 1000);

  // Vital (Svix / Standard Webhooks).
  const vitalJson = typicalJson('vital');
  const vital = vitalDelivery(vitalJson, { timestamp: nowSeconds });
  const unbranded = {
    'webhook-id': vital.headers['svix-id'] ?? '',
    'webhook-timestamp': vital.headers['svix-timestamp'] ?? '',
    'webhook-signature': vital.headers['svix-signature'] ?? '',
  };
  const ours = standardWebhooks({ secrets: SECRETS.vital });
  const standard = new StandardWebhook(SECRETS.vital);
  const svix = new SvixWebhook(SECRETS.vital);
  ours.verify({ headers: vital.headers, body: vital.body, now: Date.now() });
  standard.verify(vital.body, unbranded, { jsonParse: false });
  svix.verify(vital.body, vital.headers);
  const vitalOurs = measureSync(() => ours.verify({ headers: vital.headers, body: vital.body, now: Date.now() }), timing);
  const vitalStandard = measureSync(() => standard.verify(vital.body, unbranded, { jsonParse: false }), timing);
  const vitalStandardParse = measureSync(() => standard.verify(vital.body, unbranded), timing);
  const vitalSvix = measureSync(() => svix.verify(vital.body, vital.headers), timing);

  // Terra.
  const terraJson = typicalJson('terra');
  const terra = terraDelivery(terraJson, { timestamp: nowSeconds });
  const terraText = terraJson.toString('utf8');
  const terraHeader = terra.headers['terra-signature'] ?? '';
  const terraOurs = terraSignature({ secrets: SECRETS.terra });
  terraOurs.verify({ headers: terra.headers, body: terra.body, now: Date.now() });
  if ((await verifyTerraWebhookSignature(terraText, terraHeader, SECRETS.terra)) !== true) throw new Error('terra-api refused the fixture');
  const terraMine = measureSync(() => terraOurs.verify({ headers: terra.headers, body: terra.body, now: Date.now() }), timing);
  const terraMineAsync = await measureAsync(async () => terraOurs.verify({ headers: terra.headers, body: terra.body, now: Date.now() }), timing);
  const terraApi = await measureAsync(() => verifyTerraWebhookSignature(terraText, terraHeader, SECRETS.terra), timing);
  const terraApiFromBuffer = await measureAsync(() => verifyTerraWebhookSignature(terra.body.toString('utf8'), terraHeader, SECRETS.terra), timing);

  // Thryve: no vendor helper exists; wearhook's HMAC over the compressed bytes, for scale.
  const thryve = thryveDelivery(typicalJson('thryve'), { compress: true, timestamp: nowSeconds });
  const thryveOurs = hmacSignature({ secrets: SECRETS.thryve });
  const thryveMine = measureSync(() => thryveOurs.verify({ headers: thryve.headers, body: thryve.body, now: Date.now() }), timing);

  const row = (label: string, m: Measurement, baseline?: Measurement) => [
    label,
    micros(m.medianUs),
    micros(m.p90Us),
    baseline === undefined ? '' : times(ratio(m.medianUs, baseline.medianUs)),
  ];
  const vitalSpeedup = ratio(vitalStandard.medianUs, vitalOurs.medianUs);
  const terraSpeedup = ratio(terraApi.medianUs, terraMine.medianUs);
  return {
    id: 'verify-comparison',
    title: 'Signature verification against the providers’ helpers',
    node: process.version,
    intro: [
      `Each verifier checks the same signed ${vitalJson.length}-byte (Vital), ${terraJson.length}-byte (Terra) body, one call after another; ` +
        'µs per call, median and 90th percentile over batches. “Speed-up” is the helper’s median over wearhook’s. ' +
        '`standardwebhooks` is called with `jsonParse: false` for the target (verification only; its default also parses the JSON) and gets the raw Buffer; ' +
        '`svix` (which wraps it) gets the raw Buffer and the `svix-*` headers; `terra-api` takes the body as a string, which is given ready-made ' +
        '(a second row includes the Buffer-to-string conversion a server would do). `verifyTerraWebhookSignature` is async, so it is awaited; ' +
        'wearhook’s verifiers are synchronous (awaited too in one row, for a like-for-like comparison).',
    ],
    tables: [
      {
        title: 'Vital (Standard Webhooks / Svix), µs per verification',
        headers: ['Verifier', 'Median µs', 'p90 µs', 'wearhook speed-up'],
        rows: [
          row('wearhook `standardWebhooks`', vitalOurs),
          row('`standardwebhooks` `Webhook.verify` (jsonParse: false)', vitalStandard, vitalOurs),
          row('`standardwebhooks` `Webhook.verify` (default: also JSON.parse)', vitalStandardParse, vitalOurs),
          row('`svix` `Webhook.verify`', vitalSvix, vitalOurs),
        ],
      },
      {
        title: 'Terra, µs per verification',
        headers: ['Verifier', 'Median µs', 'p90 µs', 'wearhook speed-up'],
        rows: [
          row('wearhook `terraSignature`', terraMine),
          row('wearhook `terraSignature`, awaited', terraMineAsync),
          row('`terra-api` `verifyTerraWebhookSignature` (string given)', terraApi, terraMine),
          row('`terra-api`, including `body.toString()`', terraApiFromBuffer, terraMine),
        ],
      },
      {
        title: 'Thryve (no vendor helper), µs per verification',
        headers: ['Verifier', 'Median µs', 'p90 µs', ''],
        rows: [row(`wearhook \`hmacSignature\` over ${thryve.body.length} zstd bytes + timestamp`, thryveMine)],
      },
    ],
    notes: [],
    targets: [
      target('Vital verification ≥ 3× faster than `standardwebhooks`', `${times(vitalSpeedup)} (${micros(vitalOurs.medianUs)} vs ${micros(vitalStandard.medianUs)} µs)`, vitalSpeedup >= 3),
      target('Terra verification ≥ 1.5× faster than `terra-api`', `${times(terraSpeedup)} (${micros(terraMine.medianUs)} vs ${micros(terraApi.medianUs)} µs)`, terraSpeedup >= 1.5),
    ],
    seconds: (performance.now() - started) / 1000,
  };
}

if (isMain(import.meta.url)) await runAsScript(run);
