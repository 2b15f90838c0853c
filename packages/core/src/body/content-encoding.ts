import { WebhookError } from '../errors/webhook-error.js';

/** A content coding wearhook can undo, by its canonical name (`x-gzip` is read as `gzip`). */
export type ContentCoding = 'gzip' | 'deflate' | 'br' | 'zstd';

/** The `Content-Encoding` values wearhook accepts, as listed in its error messages. */
export const SUPPORTED_CONTENT_CODINGS: readonly string[] = ['identity', 'gzip', 'x-gzip', 'deflate', 'br', 'zstd'];

/**
 * Real senders apply one coding, rarely two. A longer stack is refused rather than decoded, because each
 * step may cost up to the decoded limit in time.
 */
export const MAX_CONTENT_CODINGS = 4;

const CANONICAL: Readonly<Record<string, ContentCoding | null>> = {
  identity: null,
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  br: 'br',
  zstd: 'zstd',
};

// Only a short HTTP token is repeated in an error message; anything else might be crafted to mislead.
const ECHOABLE_TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]{1,32}$/;

/**
 * The codings named by a `Content-Encoding` header, in the order the sender applied them (decode in
 * reverse). Names are case-insensitive, `identity` and empty list elements are dropped, and an absent or
 * empty header means no coding. Throws 415 `unsupported_content_encoding` for anything else, before any
 * decoding work.
 */
export function parseContentEncoding(header: string | undefined): ContentCoding[] {
  if (header === undefined) return [];
  const codings: ContentCoding[] = [];
  for (const element of header.split(',')) {
    const name = element.trim().toLowerCase();
    if (name === '') continue;
    const coding = Object.hasOwn(CANONICAL, name) ? CANONICAL[name] : undefined;
    if (coding === undefined) throw unsupported(name);
    if (coding !== null) codings.push(coding);
  }
  if (codings.length > MAX_CONTENT_CODINGS) {
    throw new WebhookError(
      'unsupported_content_encoding',
      `Content-Encoding stacks ${codings.length} codings; wearhook decodes at most ${MAX_CONTENT_CODINGS}.`,
    );
  }
  return codings;
}

function unsupported(name: string): WebhookError {
  const shown = ECHOABLE_TOKEN.test(name) ? `'${name}'` : 'an unrecognised coding';
  return new WebhookError(
    'unsupported_content_encoding',
    `Content-Encoding ${shown} is not supported. wearhook decodes ${SUPPORTED_CONTENT_CODINGS.join(', ')}, ` +
      'and comma-separated stacks of them; configure the sender to use one of these.',
  );
}
