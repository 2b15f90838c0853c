import type { Test } from 'supertest';

/**
 * Sends `body` byte for byte. superagent serialises anything that is not a string as JSON when the
 * Content-Type is JSON, which would turn a compressed Buffer into `{"type":"Buffer","data":[...]}`.
 */
export function sendRaw(test: Test, body: Buffer | string, headers: Record<string, string>): Test {
  return test
    .set(headers)
    .serialize((data: unknown) => data as string)
    .send(body);
}
