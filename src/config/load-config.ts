import { resolve } from 'node:path';
import type { z } from 'zod';
import { secretKeyProblem } from '../storage/secret-box.ts';
import { flowFileProblem } from './assistant-config.ts';
import { ConfigError } from './config-error.ts';
import {
  configPathOf,
  describeIssues,
  type Env,
  type FileInspection,
  inspectConfigFile,
  readConfigFile,
  soundPart,
} from './config-file.ts';
import {
  type AppConfig,
  appSchema,
  type ConnectedPagesConfig,
  connectedPagesSchema,
  type FileConfig,
  fileConfigSchema,
  type PageConfig,
  pageSchema,
} from './config-schema.ts';
import { databaseUrlProblem } from './database-url.ts';
import { withFix } from './fixes.ts';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.ts';

export const DEFAULT_GRAPH_API_VERSION = 'v25.0';

/** The effective configuration, parsed once at start-up. */
export interface Config {
  port: number;
  host: string;
  /** Whose `X-Forwarded-For` gives the client's address (the sign-in limits count per address); default none. */
  trustProxy?: TrustProxy;
  /** The address Facebook sends browsers back to after Facebook Login, and names in the data deletion answer. */
  publicUrl: string;
  /** `sqlite:<path>` or `postgres://...`. */
  databaseUrl: string;
  logLevel: string;
  /** `batchSends`: the replies of one turn of the event loop go to Graph as batch requests (default on). */
  graph: { apiUrl: string; version: string; batchSends: boolean };
  /** Where the Facebook Login dialog lives (the emulator in the demo and tests). */
  facebookWebUrl: string;
  /** Base64 AES-256 keys, newest first. Empty only in the demo, which generates one. */
  secretKeys: string[];
  admin?: { email: string; password: string };
  apps: AppConfig[];
  pages: (PageConfig & { app_id: string })[];
  /** What pages connected with Facebook Login start with: assistant (default: the bundled sample), settings, profile. */
  connectedPages: ConnectedPagesConfig;
  /** The YAML file read, if any. */
  configPath?: string;
  /**
   * The setting each of these values came from, as the errors met using them name it (a database that cannot be used,
   * a port taken): its variable, also for a default, or `<file>: <key>`. Absent (a configuration made in code), the
   * variables.
   */
  sources?: ConfigSources;
}

/** See `Config.sources`. */
export interface ConfigSources {
  databaseUrl: string;
  port: string;
  host: string;
}

const DEFAULT_DATABASE_URL = 'sqlite:./data/switchboard.db';

/** How `loadConfig` finds its settings. */
export interface LoadOptions {
  /**
   * Default true: read SWITCHBOARD_CONFIG, else `./switchboard.yaml` when present. False reads the environment alone
   * (the demo, which must not take a production file's port, admin or keys).
   */
  readFile?: boolean;
}

/** Reads `switchboard.yaml` (if any) and the environment; throws ConfigError naming every bad key. */
export function loadConfig(env: Env = process.env, cwd = process.cwd(), options: LoadOptions = {}): Config {
  const { config, problems } = inspectConfig(env, cwd, options);
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** What `inspectConfig` found. */
export interface ConfigInspection {
  /** The configuration without its broken parts: each left at its default, or out (an app, a page). */
  config: Config;
  /** Every problem found, as `loadConfig` reports them. */
  problems: string[];
  /** The top-level keys (`secret_keys`, `pages`…) with a problem: what `config` has for them is not what was meant. */
  broken: ReadonlySet<string>;
}

/**
 * As `loadConfig`, without throwing: a problem leaves out only the part it is in, so that the checks of the other
 * parts still run (`switchboard check` goes on with what needs none of the broken parts). A checked part that depends
 * on a broken one is not checked (pages' app ids when an app is broken): it would only repeat the problem.
 */
export function inspectConfig(
  env: Env = process.env,
  cwd = process.cwd(),
  options: LoadOptions = {},
): ConfigInspection {
  const configPath = options.readFile === false ? undefined : configPathOf(env, cwd);
  const read = configPath
    ? inspectConfigFile(resolve(cwd, configPath), env)
    : { file: {}, problems: [], broken: new Set<string>(), kept: {} };
  return resolveConfig({ ...read, env, configPath, cwd });
}

/**
 * The database URL alone, for the commands that use nothing else (`migrate`, `replay`): DATABASE_URL, else the file's
 * `database_url`, else the default; with the setting it came from (see `Config.sources`). The rest of the file is
 * neither read nor required, so a migration job needs no page token or model key. Throws ConfigError as `loadConfig`
 * does for a bad URL.
 */
export function loadDatabaseUrl(env: Env = process.env, cwd = process.cwd()): { url: string; setting: string } {
  const configPath = configPathOf(env, cwd);
  const file = configPath && !env.DATABASE_URL ? readConfigFile(resolve(cwd, configPath), env, ['database_url']) : {};
  const url = env.DATABASE_URL || file.database_url;
  const setting =
    env.DATABASE_URL || url === undefined ? 'DATABASE_URL' : `${resolve(cwd, configPath ?? '')}: database_url`;
  const problem = url === undefined ? undefined : databaseUrlProblem(url);
  if (problem) throw new ConfigError([`${setting}: ${problem}`]);
  return { url: url ?? DEFAULT_DATABASE_URL, setting };
}

function resolveConfig(
  o: FileInspection & { env: Env; configPath: string | undefined; cwd: string },
): ConfigInspection {
  const { file, env, configPath, cwd, problems, broken, kept } = o;
  const fromEnv = envOverrides(env, configPath !== undefined);
  const c = mergeEnvironment(file, fromEnv, { problems, broken });
  // Where a key of the merged configuration came from: the file when it gave the value, else its variable.
  const source = (key: keyof FileConfig, variable: string) =>
    fromEnv.values[key] === undefined && file[key] !== undefined
      ? `${resolve(cwd, configPath ?? '')}: ${key}`
      : variable;
  problems.push(...fromEnv.problems, ...valueProblems(c, source, broken));
  const trusted = parseTrustProxy(c.trust_proxy);
  let trustProxy: TrustProxy = false;
  if (typeof trusted === 'object' && 'problem' in trusted) {
    problems.push(`${source('trust_proxy', 'TRUST_PROXY')}: ${trusted.problem}`);
    broken.add('trust_proxy');
  } else trustProxy = trusted;
  const apps = [...(c.apps ?? []), ...fromEnv.apps];
  const filePages = c.pages?.length ?? 0;
  const fileApps = c.apps?.length ?? 0;
  // An entry of the file is named by its index there, which its broken neighbours left out do not change.
  const appAt = (i: number) => (i < fileApps ? `apps[${kept.apps?.[i] ?? i}]` : undefined);
  const pageAt = (i: number) => (i < filePages ? `pages[${kept.pages?.[i] ?? i}]` : undefined);
  problems.push(
    ...duplicateProblems(apps, (i) => (appAt(i) ? `${appAt(i)}.id` : 'FB_APP_ID'), 'app'),
    ...duplicateProblems(
      [...(c.pages ?? []), ...fromEnv.pages],
      (i) => (pageAt(i) ? `${pageAt(i)}.id` : 'FB_PAGE_ID'),
      'page',
    ),
  );
  const pages = [...(c.pages ?? []), ...fromEnv.pages].map((page, i) => {
    const appId = page.app_id ?? (apps.length === 1 ? apps[0]?.id : undefined);
    // With an app of the file broken, a page's app cannot be told: its problem is the app's, reported already.
    const appProblem = broken.has('apps') ? undefined : pageAppProblem(page, appId, { at: pageAt(i), apps });
    if (appProblem) problems.push(appProblem);
    const where = pageAt(i) ? `${pageAt(i)}.assistant` : 'SWITCHBOARD_ASSISTANT';
    problems.push(...assistantProblems(page.assistant, { key: where, subject: `page ${page.id}: ` }, { env, cwd }));
    return { ...page, app_id: appId ?? '' };
  });
  const connectedPages = connectedPagesOf(c, fromEnv.pages, { env, cwd, problems });
  const port = c.port ?? 3000;
  const config: Config = {
    port,
    host: c.host ?? '0.0.0.0',
    trustProxy,
    publicUrl: (c.public_url ?? `http://localhost:${port}`).replace(/\/$/, ''),
    databaseUrl: c.database_url ?? DEFAULT_DATABASE_URL,
    logLevel: c.log_level ?? 'info',
    graph: {
      apiUrl: (c.graph_api_url ?? 'https://graph.facebook.com').replace(/\/$/, ''),
      version: c.graph_api_version ?? DEFAULT_GRAPH_API_VERSION,
      batchSends: c.graph_batch_sends ?? true,
    },
    facebookWebUrl: (c.facebook_web_url ?? 'https://www.facebook.com').replace(/\/$/, ''),
    secretKeys: c.secret_keys ?? [],
    admin: c.admin,
    apps,
    pages,
    connectedPages,
    configPath,
    sources: {
      databaseUrl: source('database_url', 'DATABASE_URL'),
      port: source('port', 'PORT'),
      host: source('host', 'HOST'),
    },
  };
  return { config, problems, broken };
}

/**
 * A page whose app is not told (several apps, no `app_id`) or not configured; `appId` is its own or the only app's, `at`
 * the page's place in the file (`pages[2]`), undefined for FB_PAGE_ID's.
 */
function pageAppProblem(
  page: PageConfig,
  appId: string | undefined,
  o: { at: string | undefined; apps: AppConfig[] },
): string | undefined {
  const { at, apps } = o;
  if (!appId && !at) return `FB_APP_ID: page ${page.id} (FB_PAGE_ID) needs it when ${apps.length} apps are configured`;
  if (!appId) return `${at}.app_id: page ${page.id} needs app_id when ${apps.length} apps are configured`;
  if (!apps.some((a) => a.id === appId))
    return `${at ? `${at}.app_id` : 'FB_APP_ID'}: no app with id ${appId} is configured`;
  return undefined;
}

/**
 * The file with the variables over it, validated again: the file passed alone, so what fails now came from a
 * variable, named as such, and is left out (its default applies). The admin is not completed from the variables when
 * the file's is broken: it would be said to lack what the file had.
 */
function mergeEnvironment(
  file: FileConfig,
  fromEnv: ReturnType<typeof envOverrides>,
  o: { problems: string[]; broken: Set<string> },
): FileConfig {
  const withAdmin = Object.keys(fromEnv.admin).length > 0 && !o.broken.has('admin');
  const admin = withAdmin ? { admin: { ...file.admin, ...fromEnv.admin } } : {};
  const input: Record<string, unknown> = { ...file, ...fromEnv.values, ...admin };
  const merged = fileConfigSchema.safeParse(input, { error: withFix });
  if (merged.success) return merged.data;
  o.problems.push(...describeIssues(merged.error.issues, 'environment', { variables: ENV_VARIABLES, input }));
  // The file's apps and pages passed already, and no variable changes them: what is left out is a top-level key.
  const sound = soundPart(input, merged.error.issues);
  for (const key of sound.broken) o.broken.add(key);
  return sound.file;
}

/**
 * Pages connected with Facebook Login have no entry of their own: they take the file's `connected_pages`, whose
 * assistant is by default SWITCHBOARD_ASSISTANT (the assistant, when the environment configures the gateway).
 */
function connectedPagesOf(
  c: FileConfig,
  envPages: PageConfig[],
  o: { env: Env; cwd: string; problems: string[] },
): ConnectedPagesConfig {
  const connected: ConnectedPagesConfig = c.connected_pages ?? { settings: {} };
  if (connected.assistant) {
    o.problems.push(...assistantProblems(connected.assistant, { key: 'connected_pages.assistant', subject: '' }, o));
    return connected;
  }
  // With FB_PAGE_ID the variable was read, and any problem reported, as that page's.
  const assistant = o.env.FB_PAGE_ID ? envPages[0]?.assistant : assistantVariable(o);
  return assistant ? { ...connected, assistant } : connected;
}

/** SWITCHBOARD_ASSISTANT read on its own, when no page of the environment has it: its problems named after it. */
function assistantVariable(o: { env: Env; cwd: string; problems: string[] }) {
  if (!o.env.SWITCHBOARD_ASSISTANT) return undefined;
  const [read] = checked(connectedPagesSchema, { assistant: o.env.SWITCHBOARD_ASSISTANT }, PAGE_VARIABLES, o.problems);
  if (read?.assistant)
    o.problems.push(...assistantProblems(read.assistant, { key: 'SWITCHBOARD_ASSISTANT', subject: '' }, o));
  return read?.assistant;
}

/** What would fail when the assistant is made: a model key's variable unset, a flow file missing or invalid. */
function assistantProblems(
  assistant: PageConfig['assistant'],
  where: { key: string; subject: string },
  o: { env: Env; cwd: string },
): string[] {
  const { key, subject } = where;
  const problems: string[] = [];
  if (assistant?.type === 'llm' && assistant.api_key_env && !o.env[assistant.api_key_env])
    problems.push(`${key}.api_key_env: ${assistant.api_key_env} is not set in the environment`);
  const flowFile = flowFileProblem(assistant, o.cwd);
  if (flowFile) problems.push(`${key}: ${subject}${flowFile}`);
  return problems;
}

/**
 * An id listed twice: the last entry would silently win (the page's app, token and assistant), and a page whose app
 * is not the one that signs its webhooks loses every event.
 */
function duplicateProblems(entries: { id: string }[], where: (i: number) => string, kind: string): string[] {
  const first = new Map<string, number>();
  const problems: string[] = [];
  entries.forEach(({ id }, i) => {
    const earlier = first.get(id);
    if (earlier === undefined) first.set(id, i);
    else problems.push(`${where(i)}: ${kind} ${id} is already configured at ${where(earlier)}; keep one entry`);
  });
  return problems;
}

/**
 * Values whose shape passed but that would fail when used, with a stack trace: the database URL and the secret keys.
 * Problems name the key (`source`) and the fix, never the value; their keys are added to `broken`.
 */
function valueProblems(
  c: FileConfig,
  source: (key: keyof FileConfig, variable: string) => string,
  broken: Set<string>,
): string[] {
  const problems: string[] = [];
  const database = c.database_url === undefined ? undefined : databaseUrlProblem(c.database_url);
  if (database) {
    problems.push(`${source('database_url', 'DATABASE_URL')}: ${database}`);
    broken.add('database_url');
  }
  for (const [i, key] of (c.secret_keys ?? []).entries()) {
    const problem = secretKeyProblem(key);
    const count = c.secret_keys?.length ?? 0;
    if (!problem) continue;
    problems.push(`${source('secret_keys', 'SWITCHBOARD_SECRET_KEY')}: key ${i + 1} of ${count} ${problem}`);
    broken.add('secret_keys');
  }
  return problems;
}

/**
 * Environment variables of design.md §3; they win over the file. `withFile`: a configuration file is read, whose
 * `${NAME}` references may use any variable.
 */
function envOverrides(env: Env, withFile: boolean) {
  const values: Record<string, unknown> = {};
  const set = (key: string, name: string) => {
    if (env[name] !== undefined && env[name] !== '') values[key] = env[name];
  };
  for (const [key, name] of Object.entries(SETTING_VARIABLES)) set(key, name);
  if (env.SWITCHBOARD_SECRET_KEY) values.secret_keys = env.SWITCHBOARD_SECRET_KEY.split(',').map((k) => k.trim());
  const admin: Record<string, string> = {};
  if (env.SWITCHBOARD_ADMIN_EMAIL) admin.email = env.SWITCHBOARD_ADMIN_EMAIL;
  if (env.SWITCHBOARD_ADMIN_PASSWORD) admin.password = env.SWITCHBOARD_ADMIN_PASSWORD;
  const problems: string[] = [];
  const apps: AppConfig[] = [];
  const pages: PageConfig[] = [];
  // Without a file, half a group is a mistake: the app or page left out would only show as webhooks refused later.
  if (!withFile) {
    for (const name of ['FB_APP_SECRET', 'FB_VERIFY_TOKEN'].filter((name) => env[name] && !env.FB_APP_ID))
      problems.push(`FB_APP_ID: required with ${name}; set it from the App Dashboard`);
    if (env.FB_PAGE_ACCESS_TOKEN && !env.FB_PAGE_ID)
      problems.push('FB_PAGE_ID: required with FB_PAGE_ACCESS_TOKEN; the id of the page the token is for');
  }
  if (env.FB_APP_ID) {
    const missing = ['FB_APP_SECRET', 'FB_VERIFY_TOKEN'].filter((name) => !env[name]);
    for (const name of missing) problems.push(`${name}: required with FB_APP_ID; set it from the App Dashboard`);
    const app = { id: env.FB_APP_ID, secret: env.FB_APP_SECRET ?? '', verify_token: env.FB_VERIFY_TOKEN ?? '' };
    if (missing.length === 0) apps.push(...checked(appSchema, app, APP_VARIABLES, problems));
  }
  if (env.FB_PAGE_ID) {
    if (!env.FB_PAGE_ACCESS_TOKEN) problems.push('FB_PAGE_ACCESS_TOKEN: required with FB_PAGE_ID; copy the page token');
    const page = {
      id: env.FB_PAGE_ID,
      app_id: env.FB_APP_ID,
      access_token: env.FB_PAGE_ACCESS_TOKEN ?? '',
      assistant: env.SWITCHBOARD_ASSISTANT || undefined,
    };
    if (env.FB_PAGE_ACCESS_TOKEN) pages.push(...checked(pageSchema, page, PAGE_VARIABLES, problems));
  }
  return { values, admin, apps, pages, problems };
}

/** The variable each top-level setting comes from, as text; an empty one is unset. */
const SETTING_VARIABLES: Record<string, string> = {
  port: 'PORT',
  host: 'HOST',
  trust_proxy: 'TRUST_PROXY',
  public_url: 'PUBLIC_URL',
  database_url: 'DATABASE_URL',
  log_level: 'LOG_LEVEL',
  graph_api_url: 'GRAPH_API_URL',
  graph_api_version: 'GRAPH_API_VERSION',
  graph_batch_sends: 'GRAPH_BATCH_SENDS',
  facebook_web_url: 'FACEBOOK_WEB_URL',
};
/** Every variable a key of the merged configuration may come from, by key path (or its first key). */
const ENV_VARIABLES: Record<string, string> = {
  ...SETTING_VARIABLES,
  secret_keys: 'SWITCHBOARD_SECRET_KEY',
  'admin.email': 'SWITCHBOARD_ADMIN_EMAIL',
  'admin.password': 'SWITCHBOARD_ADMIN_PASSWORD',
};

/** The variable each field of an app or page defined by the environment comes from. */
const APP_VARIABLES: Record<string, string> = {
  id: 'FB_APP_ID',
  secret: 'FB_APP_SECRET',
  verify_token: 'FB_VERIFY_TOKEN',
};
const PAGE_VARIABLES: Record<string, string> = {
  id: 'FB_PAGE_ID',
  app_id: 'FB_APP_ID',
  access_token: 'FB_PAGE_ACCESS_TOKEN',
  assistant: 'SWITCHBOARD_ASSISTANT',
};

/** Validates an app or page made of variables by the file's rules; problems name the variable, never its value. */
function checked<S extends z.ZodType>(
  schema: S,
  value: unknown,
  variables: Record<string, string>,
  problems: string[],
) {
  const parsed = schema.safeParse(value, { error: withFix });
  if (parsed.success) return [parsed.data as z.output<S>];
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    problems.push(`${variables[field] ?? field}: ${issue.message}`);
  }
  return [];
}
