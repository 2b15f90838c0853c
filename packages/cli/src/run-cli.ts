import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildDelivery, eventTypes, isProvider, PROVIDERS, type Provider } from './deliveries.js';
import { EXIT } from './exit-codes.js';
import { sendDelivery } from './send-delivery.js';
import { UsageError } from './usage-error.js';

export interface CliOutput {
  /** Results, one line each. */
  out(line: string): void;
  /** Errors and hints. */
  err(line: string): void;
}

const HELP = `wearhook: sign and send realistic webhook deliveries, the way each provider sends them.

Usage:
  wearhook send <thryve|terra|vital> --type <event type> --url <endpoint> --secret <secret> [options]
  wearhook list [thryve|terra|vital]
  wearhook help

Options of send:
  --type <type>        the event type, e.g. event.data.epoch.create (see \`wearhook list\`)
  --url <url>          your webhook endpoint, e.g. http://localhost:3000/webhooks/thryve
  --secret <secret>    the secret your endpoint verifies with (or set WEARHOOK_SECRET)
  --payload <file>     send this JSON file instead of the realistic sample
  --no-compress        Thryve: send a data push uncompressed (default: zstd, as Thryve does)
  --compress           Thryve: zstd-compress a notification too
  --timeout <ms>       how long to wait for the answer (default 10000)

Exit codes: 0 acknowledged (2xx), 1 refused (any other status), 2 wrong usage, 3 endpoint unreachable.`;

/** Runs one `wearhook` command and returns its exit code; never throws. */
export async function runCli(argv: readonly string[], output: CliOutput): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'send':
        return await send(rest, output);
      case 'list':
        return list(rest, output);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        output.out(HELP);
        return EXIT.ok;
      default:
        throw new UsageError(`Unknown command ${JSON.stringify(command)}: use send, list or help.`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`wearhook: ${error.message}`);
      output.err('Run `wearhook help` for usage.');
      return EXIT.usage;
    }
    // parseArgs reports unknown or malformed options as TypeErrors with an ERR_PARSE_ARGS_* code.
    if ((error as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS')) {
      output.err(`wearhook: ${(error as Error).message}`);
      output.err('Run `wearhook help` for usage.');
      return EXIT.usage;
    }
    throw error;
  }
}

function providerArgument(value: string | undefined, required: boolean): Provider | undefined {
  if (value === undefined) {
    if (required) throw new UsageError(`Name the provider: ${PROVIDERS.join(', ')}.`);
    return undefined;
  }
  if (!isProvider(value)) {
    // Echoed only when it looks like a mistyped name, not like a secret put in its place.
    const shown = /^[a-z][a-z-]{0,15}$/i.test(value) ? ` ${JSON.stringify(value)}` : ' (not shown, in case it is a secret)';
    throw new UsageError(`Unknown provider${shown}: use ${PROVIDERS.join(', ')}.`);
  }
  return value;
}

function list(args: readonly string[], output: CliOutput): number {
  const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {} });
  const provider = providerArgument(positionals[0], false);
  for (const name of provider === undefined ? PROVIDERS : [provider]) {
    for (const type of eventTypes(name)) output.out(`${name} ${type}`);
  }
  return EXIT.ok;
}

async function send(args: readonly string[], output: CliOutput): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      type: { type: 'string' },
      url: { type: 'string' },
      secret: { type: 'string' },
      payload: { type: 'string' },
      compress: { type: 'boolean' },
      'no-compress': { type: 'boolean' },
      timeout: { type: 'string' },
    },
  });
  const provider = providerArgument(positionals[0], true)!;
  // Not echoed: a secret given without its --secret lands here.
  if (positionals.length > 1) throw new UsageError('Unexpected argument after the provider (not shown, in case it is a secret); options are given as --name value.');
  const type = required(values.type, '--type <event type>', `one of \`wearhook list ${provider}\``);
  const url = parseUrl(required(values.url, '--url <endpoint>', `e.g. http://localhost:3000/webhooks/${provider}`));
  const secret = values.secret ?? process.env.WEARHOOK_SECRET;
  if (secret === undefined || secret === '') {
    throw new UsageError('Give the secret your endpoint verifies with: --secret <secret>, or the WEARHOOK_SECRET environment variable.');
  }
  if (values.compress === true && values['no-compress'] === true) throw new UsageError('Give --compress or --no-compress, not both.');
  if ((values.compress === true || values['no-compress'] === true) && provider !== 'thryve') {
    throw new UsageError('--compress and --no-compress are for Thryve, the provider that compresses its deliveries.');
  }
  const compress = values.compress === true ? true : values['no-compress'] === true ? false : undefined;
  const timeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout is a whole number of milliseconds above 0.');
  const payload = values.payload === undefined ? undefined : await readPayload(values.payload);

  const delivery = buildDelivery(provider, { type, secret, compress, payload });
  const encoding = delivery.headers['content-encoding'];
  const what = `${provider} ${type} (${delivery.body.length} bytes${encoding === undefined ? '' : `, ${encoding}`})`;
  const result = await sendDelivery(url, delivery, timeoutMs);
  if (result.kind === 'unreachable') {
    output.err(`wearhook: could not reach ${url.href}: ${result.reason}. Is the server running, and is the URL right?`);
    return EXIT.unreachable;
  }
  if (result.status >= 200 && result.status < 300) {
    output.out(`${result.status} from ${url.href}: ${what} acknowledged in ${result.ms} ms`);
    return EXIT.ok;
  }
  output.err(`${result.status} from ${url.href}: ${what} refused${describeError(result.body)}`);
  if (result.status === 401) output.err('Hint: is --secret the secret the endpoint is configured with?');
  if (result.status === 404) output.err('Hint: is --url the path the webhook route is mounted at?');
  return EXIT.refused;
}

function required(value: string | undefined, option: string, example: string): string {
  if (value === undefined || value === '') throw new UsageError(`Missing ${option} (${example}).`);
  return value;
}

function parseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(value.slice(0, 200))} is not a URL; write it in full, e.g. http://localhost:3000/webhooks/thryve.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--url must be an http: or https: URL.');
  return url;
}

async function readPayload(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read --payload ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`--payload ${path} is not valid JSON.`);
  }
  // The test kit takes a missing payload (and so `null`) as "use the sample".
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new UsageError(`--payload ${path} must hold a JSON object: the delivery's body.`);
  }
  return payload;
}

/** `: code: message` from wearhook's error body, or the start of whatever else the server sent. */
function describeError(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code === 'string') return `: ${parsed.error.code}: ${String(parsed.error.message)}`;
  } catch {
    // Not wearhook's JSON error body.
  }
  const text = body.trim().replace(/\s+/g, ' ');
  return text === '' ? '' : `: ${text.slice(0, 300)}`;
}
