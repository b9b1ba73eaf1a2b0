import { z } from 'zod';
import { profileConfigSchema } from '../messenger/profile-sync/profile-config.ts';
import { assistantConfigSchema, assistantFromString } from './assistant-config.ts';
import { httpUrl } from './http-url.ts';
import { pageSettingsSchema } from './page-settings.ts';

/**
 * A Facebook id, as text: YAML reads unquoted digits as a number, which would lose the last digits of a long id, so a
 * number is refused with the quotes to add.
 */
const numericId = z
  .string({
    error: (issue) =>
      issue.code === 'invalid_type' && typeof issue.input === 'number'
        ? 'write the id between quotes, such as "1517776481860111": YAML reads bare digits as a number'
        : undefined,
  })
  .regex(/^\d+$/, 'must be a numeric Facebook id');

/**
 * A token or secret Facebook issued: printable ASCII, no space. The line break a secret file ends with (a Kubernetes or
 * Docker secret) is trimmed; one inside it would make every Graph call fail before it leaves, as a bad header.
 */
const credential = (tooShort: { min: number; message: string }) =>
  z
    .string()
    .trim()
    .min(tooShort.min, tooShort.message)
    .regex(/^[\x21-\x7e]*$/, 'holds a space, a line break or another character Facebook never puts in one');

export const appSchema = z
  .object({
    id: numericId,
    /** The app secret: signs webhooks and proves our Graph calls. */
    secret: credential({ min: 8, message: 'looks too short for an app secret' }),
    /** The string typed in the App Dashboard for the webhook subscription check. */
    verify_token: z.string().trim().min(1),
  })
  .strict();

export const pageSchema = z
  .object({
    id: numericId,
    /** Needed only when several apps are configured. */
    app_id: numericId.optional(),
    name: z.string().optional(),
    access_token: credential({ min: 1, message: 'is empty' }),
    // The short form becomes the object before validation, so a mistake in the object is reported as itself.
    assistant: z
      .preprocess(
        (value) => (typeof value === 'string' && value !== '' ? assistantFromString(value) : value),
        assistantConfigSchema,
      )
      .optional(),
    /** Only the keys to change from the defaults; an unknown key stops start-up, as it does in `PATCH …/settings`. */
    settings: pageSettingsSchema.partial().strict().default({}),
    /** Greeting, Get Started, persistent menu and ice breakers, synced to the page at start-up. */
    messenger_profile: profileConfigSchema.optional(),
  })
  .strict();

/** What pages connected with Facebook Login start with: they have no entry of their own in the configuration. */
export const connectedPagesSchema = pageSchema
  .pick({ assistant: true, settings: true, messenger_profile: true })
  .strict();

/**
 * A listen port. Digits written as text (`port: "4000"`, PORT) are read as a number; an empty or blank value is
 * refused rather than read as 0, which would listen on a port picked at random. An explicit 0 still means that.
 */
const portSchema = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z
    .number({
      error: (issue) =>
        issue.code === 'invalid_type'
          ? 'must be a port number such as 3000; for the default (3000), leave it out instead of empty'
          : undefined,
    })
    .int()
    .min(0)
    .max(65535),
);

/**
 * A listen address. The spaces and line break around one (a secret file's) are dropped; an empty or blank one is
 * refused: the server could not listen at it, and `switchboard check` would pass what `start` then fails on.
 */
const HOST_EXPECTED =
  'must be an address such as 127.0.0.1 or 0.0.0.0; for the default (0.0.0.0, every interface), leave it out';
const hostSchema = z
  .string({ error: (issue) => (issue.code === 'invalid_type' ? HOST_EXPECTED : undefined) })
  .trim()
  .min(1, HOST_EXPECTED);

/** On or off: YAML's booleans, or `true`/`false` written as text (a variable). */
const switchSchema = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*(true|false)\s*$/i.test(value) ? /true/i.test(value) : value),
  z.boolean({ error: 'must be true or false' }),
);

/** switchboard.yaml, after `${ENV}` substitution. Every key is optional: the environment can supply them. */
export const fileConfigSchema = z
  .object({
    port: portSchema,
    host: hostSchema,
    // A list in the file, as YAML writes one; TRUST_PROXY is comma-separated.
    trust_proxy: z.union([z.boolean(), z.number(), z.string(), z.array(z.string())]),
    // Switchboard serves its paths from the root (the OAuth callback, its cookie's path, the inbox).
    public_url: httpUrl('https://bot.example.com').refine((url) => {
      const { pathname, search, hash } = new URL(url);
      return pathname === '/' && !search && !hash;
    }, 'give the origin only, such as https://bot.example.com: Switchboard serves its paths from the root'),
    database_url: z.string(),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    // The client adds the version to it: https://graph.facebook.com/v25.0 would call /v25.0/v25.0/….
    graph_api_url: httpUrl('https://graph.facebook.com').refine(
      (url) => !/\/v\d+\.\d+\/?$/.test(new URL(url).pathname),
      'leave the version out, such as https://graph.facebook.com: GRAPH_API_VERSION (graph_api_version) sets it',
    ),
    graph_api_version: z.string().regex(/^v\d+\.\d+$/, 'give a version such as v25.0'),
    graph_batch_sends: switchSchema,
    facebook_web_url: httpUrl('https://www.facebook.com'),
    /**
     * Base64 keys of 32 bytes, newest first; older ones only decrypt (rotation). Trimmed as SWITCHBOARD_SECRET_KEY is:
     * a `${NAME}` read from a secret file ends with a line break, and "not base64, generate one" would lose every
     * secret sealed with the key.
     */
    secret_keys: z.array(z.string().trim()),
    // The line break a secret file ends with is dropped, as from tokens: no one could type it when signing in.
    admin: z
      .object({
        email: z
          .string()
          .trim()
          .pipe(z.email({ error: 'give an email address such as ops@example.com' })),
        password: z
          .string()
          .overwrite((password) => password.replace(/[\r\n]+$/, ''))
          .min(8),
      })
      .strict(),
    apps: z.array(appSchema),
    pages: z.array(pageSchema),
    connected_pages: connectedPagesSchema,
  })
  .partial()
  .strict();

export type FileConfig = z.infer<typeof fileConfigSchema>;
export type AppConfig = z.infer<typeof appSchema>;
export type PageConfig = z.infer<typeof pageSchema>;
export type ConnectedPagesConfig = z.infer<typeof connectedPagesSchema>;
