import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { accessToken, appId as newAppId, numericId } from './ids.ts';
import { WEBHOOK_FIELDS } from './platform-constants.ts';
import { httpUrl } from './validate-rules.ts';

/**
 * An id as a numeric string. YAML is parsed with big integers so unquoted 16-digit ids stay
 * exact; JSON numbers are accepted only while they are safe integers.
 */
const idSchema = z.union([
  z.string().regex(/^\d+$/, 'must be a numeric string'),
  z.bigint().nonnegative().transform(String),
  z.number().int().nonnegative().refine(Number.isSafeInteger, 'too large: quote it').transform(String),
]);

const webhookField = z.enum(WEBHOOK_FIELDS);

const appSchema = z.strictObject({
  id: idSchema.optional(),
  name: z.string().min(1),
  secret: z.string().min(1),
  webhook_url: httpUrl().optional(),
  verify_token: z.string().min(1).optional(),
  deauthorize_url: httpUrl().optional(),
  data_deletion_url: httpUrl().optional(),
  /** Valid OAuth redirect URIs (strict match). Absent: any http(s) redirect URI is accepted. */
  oauth_redirect_uris: z.array(httpUrl()).optional(),
  /** App-level webhook fields (§1.5). Default: every Messenger field. */
  subscribed_fields: z.array(webhookField).optional(),
});

const pageSchema = z.strictObject({
  id: idSchema.optional(),
  name: z.string().min(1),
  /** The app the seeded access token belongs to, and the thread owner by default. */
  app_id: idSchema.optional(),
  access_token: z.string().min(1).optional(),
  picture_url: z.string().optional(),
  /** Subscribe `app_id` to the page's webhooks at start (as `POST /{page}/subscribed_apps` would). Default true. */
  subscribe_app: z.boolean().optional(),
});

const personSchema = z.strictObject({
  id: idSchema.optional(),
  first_name: z.string().min(1),
  last_name: z.string().default(''),
  locale: z.string().default('en_US'),
  timezone: z.coerce.number().default(0),
  profile_pic: z.string().optional(),
  /** Fixed PSIDs per page id, each used once; the others are generated when the seed is read. */
  psids: z.record(z.string(), idSchema).optional(),
  /** Read every page message as soon as it is delivered. */
  auto_read: z.boolean().default(false),
});

const accountSchema = z.strictObject({
  id: idSchema.optional(),
  name: z.string().min(1),
  /** Pages this Facebook account manages, with its tasks on them (default MANAGE, MESSAGING, …). */
  pages: z
    .array(z.union([idSchema, z.strictObject({ page_id: idSchema, tasks: z.array(z.string()).optional() })]))
    .optional(),
});

export const seedSchema = z.strictObject({
  apps: z.array(appSchema).default([]),
  pages: z.array(pageSchema).default([]),
  people: z.array(personSchema).default([]),
  accounts: z.array(accountSchema).default([]),
});

/** The seed as written in a file or passed in code (ids optional). */
export type EmulatorSeed = z.input<typeof seedSchema>;

const DEFAULT_TASKS = ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE'];

export interface SeedApp extends Omit<z.output<typeof appSchema>, 'id'> {
  id: string;
}
export interface SeedPage extends Omit<z.output<typeof pageSchema>, 'id' | 'app_id' | 'access_token'> {
  id: string;
  app_id: string;
  access_token: string;
}
export interface SeedPerson extends Omit<z.output<typeof personSchema>, 'id' | 'psids'> {
  id: string;
  psids: Record<string, string>;
}
export interface SeedAccount {
  id: string;
  name: string;
  pages: { page_id: string; tasks: string[] }[];
}

/** A seed with every id filled in, so a reset gives the same ids and tokens again. */
export interface NormalizedSeed {
  apps: SeedApp[];
  pages: SeedPage[];
  people: SeedPerson[];
  accounts: SeedAccount[];
}

export type SeedResult = { ok: true; seed: NormalizedSeed } | { ok: false; reason: string };

/** Validates a seed and fills in generated ids and tokens. */
export function normalizeSeed(input: unknown): SeedResult {
  const parsed = seedSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error) };
  const raw = parsed.data;
  const apps = raw.apps.map((app) => ({ ...app, id: app.id ?? newAppId() }));
  const unsafe = apps.find((app) => !Number.isSafeInteger(Number(app.id)));
  if (unsafe)
    return { ok: false, reason: `app "${unsafe.name}": id ${unsafe.id} is too large for the number echoes carry` };
  const pages: SeedPage[] = [];
  for (const page of raw.pages) {
    const appId = page.app_id ?? (apps.length === 1 ? apps[0]?.id : undefined);
    if (!appId)
      return { ok: false, reason: `page "${page.name}": app_id is required when there is not exactly one app` };
    if (!apps.some((app) => app.id === appId))
      return { ok: false, reason: `page "${page.name}": no app with id ${appId}` };
    pages.push({
      ...page,
      id: page.id ?? numericId(15),
      app_id: appId,
      access_token: page.access_token ?? accessToken(),
    });
  }
  // A later entry with the same id (or token) would silently stand in for the earlier one, as the control API refuses.
  const ids: [string, string[]][] = [
    ['app id', apps.map((app) => app.id)],
    ['page id', pages.map((page) => page.id)],
    ['person id', raw.people.flatMap((person) => (person.id ? [person.id] : []))],
  ];
  for (const [what, values] of ids) {
    const twice = repeatedIn(values);
    if (twice !== undefined) return { ok: false, reason: `two entries have the ${what} ${twice}` };
  }
  if (repeatedIn(pages.map((page) => page.access_token)) !== undefined)
    return { ok: false, reason: 'two pages have the same page access_token' };
  const pageIds = new Set(pages.map((page) => page.id));
  const people: SeedPerson[] = [];
  const fixedPsids = new Set<string>();
  for (const person of raw.people) {
    for (const [pageId, psid] of Object.entries(person.psids ?? {})) {
      if (!pageIds.has(pageId))
        return { ok: false, reason: `person "${person.first_name}": no page with id ${pageId}` };
      if (fixedPsids.has(psid)) return { ok: false, reason: `person "${person.first_name}": PSID ${psid} is taken` };
      fixedPsids.add(psid);
    }
    people.push({ ...person, id: person.id ?? numericId(15), psids: { ...person.psids } });
  }
  fillPsids(people, [...pageIds], fixedPsids);
  const accounts = raw.accounts.map((account) => ({
    id: account.id ?? numericId(15),
    name: account.name,
    pages: (account.pages ?? pages.map((page) => page.id)).map((entry) =>
      typeof entry === 'string'
        ? { page_id: entry, tasks: DEFAULT_TASKS }
        : { page_id: entry.page_id, tasks: entry.tasks ?? DEFAULT_TASKS },
    ),
  }));
  for (const account of accounts) {
    const unknown = account.pages.find((entry) => !pageIds.has(entry.page_id));
    if (unknown) return { ok: false, reason: `account "${account.name}": no page with id ${unknown.page_id}` };
  }
  return { ok: true, seed: { apps, pages, people, accounts } };
}

/** The first value that comes twice in `values`, if one does. */
function repeatedIn(values: string[]): string | undefined {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return undefined;
}

/**
 * Gives every person a PSID on every page, drawn here once so that a reset gives the same ones; a drawn PSID is
 * never one already taken.
 */
function fillPsids(people: SeedPerson[], pageIds: string[], taken: Set<string>): void {
  for (const person of people) {
    for (const pageId of pageIds) {
      if (person.psids[pageId]) continue;
      let psid = numericId(16);
      while (taken.has(psid)) psid = numericId(16);
      taken.add(psid);
      person.psids[pageId] = psid;
    }
  }
}

/** Parses seed text; YAML is a superset of JSON, so one parser reads both. */
export function parseSeed(text: string): SeedResult {
  let data: unknown;
  try {
    data = parseYaml(text, { intAsBigInt: true });
  } catch (error) {
    return { ok: false, reason: `not valid YAML/JSON: ${(error as Error).message}` };
  }
  return normalizeSeed(data);
}

/** Reads and validates a seed file (YAML or JSON). Throws with a readable message when invalid. */
export async function loadSeed(path: string): Promise<NormalizedSeed> {
  const result = parseSeed(await readFile(path, 'utf8'));
  if (!result.ok) throw new Error(`Invalid emulator seed ${path}:\n${result.reason}`);
  return result.seed;
}

/** The seed `switchboard emulator` uses when no file is given: one app, one page, two people, one account. */
export function defaultSeed(app: { webhook_url?: string; secret: string; verify_token?: string }): EmulatorSeed {
  return {
    apps: [{ name: 'Switchboard', ...app }],
    pages: [{ name: 'Acme Support' }],
    people: [
      { first_name: 'Lena', last_name: 'Okafor', locale: 'en_US', timezone: 1 },
      { first_name: 'Marc', last_name: 'Dubois', locale: 'fr_FR', timezone: 1 },
    ],
    accounts: [{ name: 'Sam Admin' }],
  };
}
