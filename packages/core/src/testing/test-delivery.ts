/** A delivery as a provider would send it: the exact body bytes and the headers to send with them. */
export interface TestDelivery {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/** Current unix seconds, the default timestamp of signed test deliveries. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
