/** Settings from the environment, with demo values so `pnpm start` works with no configuration. */
export interface ExampleConfig {
  readonly port: number;
  readonly thryveSecret: string;
  readonly terraSecret: string;
  readonly vitalSecret: string;
}

// Demo secrets: fine on a laptop, never in production. The warning below says which ones are in use.
const DEMO_SECRETS = {
  THRYVE_HMAC_SECRET: 'demo-thryve-hmac-secret',
  TERRA_SIGNING_SECRET: 'demo-terra-signing-secret',
  VITAL_WEBHOOK_SECRET: 'whsec_ZGVtby12aXRhbC13ZWJob29rLXNlY3JldA==',
} as const;

export function readConfig(env: NodeJS.ProcessEnv = process.env): ExampleConfig {
  const demo: string[] = [];
  const secret = (name: keyof typeof DEMO_SECRETS): string => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    demo.push(name);
    return DEMO_SECRETS[name];
  };
  const config = {
    port: Number(env.PORT ?? 3000),
    thryveSecret: secret('THRYVE_HMAC_SECRET'),
    terraSecret: secret('TERRA_SIGNING_SECRET'),
    vitalSecret: secret('VITAL_WEBHOOK_SECRET'),
  };
  if (demo.length > 0) {
    console.warn(`wearhook example: using demo secrets for ${demo.join(', ')}; set them before exposing this server.`);
  }
  return config;
}
