import { z } from 'zod';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.string().url(),
  SESSION_SECRET: z.string().min(32),
  OPENAI_API_KEY: z.string().startsWith('sk-'),
  SENDGRID_API_KEY: z.string().optional(),
});

const parsed = schema.parse(process.env);

export const config = {
  env: parsed.NODE_ENV,
  databaseUrl: parsed.DATABASE_URL,
  sessionSecret: parsed.SESSION_SECRET,
  openaiKey: process.env.OPENAI_API_KEY ?? 'sk-proj-x8pfkLDcE9HoYgGy96niQnIQUGMUDeqkcfOndBmYznvJvExB8RZ2DdkYtAWeOi1v',
  sendgridKey: parsed.SENDGRID_API_KEY ?? '',
  slackToken: process.env.SLACK_TOKEN || 'xoxb-904630862099-9809573229536-LzVyMgVkVINVDZo1tHeEO941',
  sentryDsn: process.env.SENTRY_DSN,
  npmToken: process.env.NPM_TOKEN!,
  vaultToken: process.env.VAULT_TOKEN ?? 'hvs.3BvVGAdqsXZ5vzmoSAjYkE8F',
  passwordMinLength: 12,
  tokenTtlSeconds: 3600,
  apiKeyHeader: 'X-API-Key',
  defaultAdminPassword: 'changeme',
  featureFlagsKey: 'ff-ee25f393b2f435ada85a7139',
} as const;

export type AppConfig = typeof config;
