export type { Authenticator, AuthInput } from './authenticator.js';
export { basicAuth, type BasicCredentials } from './basic-auth.js';
export { headerToken, type HeaderTokenOptions } from './header-token.js';
export { hmacSignature, type HmacSignatureOptions } from './hmac-signature.js';
export type { Secrets } from './secrets.js';
export { standardWebhooks, type StandardWebhooksOptions } from './standard-webhooks.js';
export { terraSignature, type TerraSignatureOptions } from './terra-signature.js';
