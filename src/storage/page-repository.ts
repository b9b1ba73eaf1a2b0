import type { ExpressionBuilder, Kysely } from 'kysely';
import type { AssistantConfig } from '../config/assistant-config.ts';
import { ConfigError } from '../config/config-error.ts';
import type { Config } from '../config/load-config.ts';
import type { PageSettingsInput } from '../config/page-settings.ts';
import type { MessengerProfileField } from '../messenger/graph/graph-client.ts';
import type { ProfileConfig } from '../messenger/profile-sync/profile-config.ts';
import type { Database } from './schema.ts';
import type { SecretBox } from './secret-box.ts';

export interface StoredApp {
  id: string;
  secret: string;
  verify_token: string;
}

export interface StoredPage {
  id: string;
  app_id: string;
  name: string | null;
  access_token: string;
  source: 'config' | 'oauth';
  assistant: AssistantConfig | null;
  settings: PageSettingsInput;
  messenger_profile: ProfileConfig | null;
  health: string;
  health_detail: string | null;
}

/**
 * Writes the apps and pages of the configuration into the database, sealed; the configuration wins on start-up. Apps
 * and configured pages it no longer lists are removed, so that dropping a leaked app secret from it revokes the secret
 * (conversations stay, with their history). Pages connected with Facebook Login stay, and are used again while their
 * app is configured. Secrets sealed with an older key are sealed again with the current one.
 */
export async function syncConfiguredPages(
  db: Kysely<Database>,
  box: SecretBox,
  config: Pick<Config, 'apps' | 'pages'>,
  now: number,
) {
  await db.transaction().execute(async (tx) => {
    for (const app of config.apps) {
      const values = {
        secret_sealed: box.seal(app.secret),
        verify_token_sealed: box.seal(app.verify_token),
        updated_at: now,
      };
      await tx
        .insertInto('apps')
        .values({ id: app.id, ...values, created_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
    }
    const stored = await tx.selectFrom('pages').select(['id', 'access_token_sealed']).execute();
    const tokens = new Map(stored.map((p) => [p.id, p.access_token_sealed]));
    for (const page of config.pages) {
      const values = {
        app_id: page.app_id,
        name: page.name ?? null,
        access_token_sealed: box.seal(page.access_token),
        source: 'config',
        assistant: page.assistant ? JSON.stringify(sealAssistant(page.assistant, box)) : null,
        settings: JSON.stringify(page.settings ?? {}),
        messenger_profile: page.messenger_profile ? JSON.stringify(page.messenger_profile) : null,
        // A page connected by login that the configuration now lists is the configuration's: who connected it is
        // forgotten (their data deletion request would find no page of theirs to clear it from).
        connected_by: null,
        connected_at: null,
        updated_at: now,
      };
      const health = { health: 'ok', health_detail: null, health_at: now };
      // A restart does not mend a dead token: the health Graph gave it stays until a new token or a send that works.
      const sameToken = tokens.has(page.id) && openOrUndefined(box, tokens.get(page.id)) === page.access_token;
      await tx
        .insertInto('pages')
        .values({ id: page.id, ...values, ...health, created_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet(sameToken ? values : { ...values, ...health }))
        .execute();
    }
    const appIds = config.apps.map((a) => a.id);
    const pageIds = config.pages.map((p) => p.id);
    let apps = tx.deleteFrom('apps');
    if (appIds.length) apps = apps.where('id', 'not in', appIds);
    await apps.execute();
    let pages = tx.deleteFrom('pages').where('source', '=', 'config');
    if (pageIds.length) pages = pages.where('id', 'not in', pageIds);
    await pages.execute();
    const connected = await tx.selectFrom('pages').select(['id', 'access_token_sealed']).execute();
    for (const page of connected.filter((p) => box.isStale(p.access_token_sealed))) {
      const token = openConnectedToken(box, page);
      await tx
        .updateTable('pages')
        .set({ access_token_sealed: box.seal(token), updated_at: now })
        .where('id', '=', page.id)
        .execute();
    }
  });
}

/** A token a login gave, which nothing else can give again: a key dropped too early stops start-up, saying so. */
function openConnectedToken(box: SecretBox, page: { id: string; access_token_sealed: string }): string {
  try {
    return box.open(page.access_token_sealed);
  } catch {
    throw new ConfigError([
      `SWITCHBOARD_SECRET_KEY: the token of page ${page.id}, connected with Facebook Login, was sealed with a key that ` +
        'is not listed: list that key after the new one (new,old) until start-up has sealed the tokens again, or ' +
        'delete the page and connect it again',
    ]);
  }
}

/** A secret sealed under a key no longer configured opens to nothing (and is sealed anew from the configuration). */
function openOrUndefined(box: SecretBox, sealed: string | undefined): string | undefined {
  if (sealed === undefined) return undefined;
  try {
    return box.open(sealed);
  } catch {
    return undefined;
  }
}

/** An assistant as stored: the secret that signs requests to an HTTP bot is sealed like the page's token. */
type StoredAssistant = AssistantConfig & { secret_sealed?: string };

function sealAssistant(assistant: AssistantConfig, box: SecretBox): StoredAssistant {
  if (assistant.type !== 'http' || assistant.secret === undefined) return assistant;
  const { secret, ...rest } = assistant;
  return { ...rest, secret_sealed: box.seal(secret) };
}

function openAssistant(stored: StoredAssistant, box: SecretBox): AssistantConfig {
  const { secret_sealed, ...assistant } = stored;
  if (secret_sealed === undefined || assistant.type !== 'http') return assistant;
  return { ...assistant, secret: box.open(secret_sealed) };
}

export async function loadApps(db: Kysely<Database>, box: SecretBox): Promise<StoredApp[]> {
  const rows = await db.selectFrom('apps').selectAll().execute();
  return rows.map((r) => ({
    id: r.id,
    secret: box.open(r.secret_sealed),
    verify_token: box.open(r.verify_token_sealed),
  }));
}

export async function loadPages(db: Kysely<Database>, box: SecretBox): Promise<StoredPage[]> {
  const rows = await db.selectFrom('pages').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    app_id: r.app_id,
    name: r.name,
    access_token: box.open(r.access_token_sealed),
    source: r.source as StoredPage['source'],
    assistant: r.assistant ? openAssistant(JSON.parse(r.assistant), box) : null,
    // The API's changes win over the configuration's settings.
    settings: { ...JSON.parse(r.settings), ...JSON.parse(r.settings_changes ?? '{}') },
    messenger_profile: r.messenger_profile ? JSON.parse(r.messenger_profile) : null,
    health: r.health,
    health_detail: r.health_detail,
  }));
}

/**
 * Changes whenever an app or a page is added, removed or changed: another process's change (a rotated app secret, a
 * page token) shows in it. Every row's `updated_at`, not the latest alone: a change committed after a later-stamped
 * one, or stamped by a clock behind, would not move the latest. A page's health too, when it changes to another
 * value (not when the same is recorded again, at every refused send): the process that sends records `ok` once a send
 * goes through only if it knows of the refusal, which another process may have met (its page upkeep).
 */
export async function pagesVersion(db: Kysely<Database>): Promise<string> {
  const apps = await db.selectFrom('apps').select(['id', 'updated_at']).orderBy('id').execute();
  const pages = await db.selectFrom('pages').select(['id', 'updated_at', 'health']).orderBy('id').execute();
  const appsVersion = apps.map((r) => `${r.id}:${r.updated_at}`).join(',');
  return `${appsVersion};${pages.map((r) => `${r.id}:${r.updated_at}:${r.health}`).join(',')}`;
}

/**
 * Records a permanent Graph failure of the page (e.g. a dead token) for operators to see, or `ok` again. Not a change
 * of the page (`updated_at`): other processes would reload their pages at every failed send. They reload when the
 * health changes to another value (`pagesVersion`). A health seen after `now` stays (`seenBy`).
 */
export async function recordPageHealth(
  db: Kysely<Database>,
  pageId: string,
  health: string,
  detail: string | null,
  now: number,
): Promise<void> {
  await db
    .updateTable('pages')
    .set({ health, health_detail: detail, health_at: now })
    .where('id', '=', pageId)
    .where(seenBy(now))
    .execute();
}

/**
 * Records `ok` for the page over the trouble recorded, if it is `was` (by default, any trouble); says whether it cleared
 * one. What a caller read may be stale: another thread or process may have recorded another health since (Meta's
 * block, say), which a caller that saw a refused token must not clear, and which a send that went through must clear.
 * A health seen after `now` stays (`seenBy`).
 */
export async function clearPageHealth(
  db: Kysely<Database>,
  pageId: string,
  now: number,
  was?: string,
): Promise<boolean> {
  const ok = db
    .updateTable('pages')
    .set({ health: 'ok', health_detail: null, health_at: now })
    .where('id', '=', pageId)
    .where(seenBy(now));
  const cleared = await ok.where('health', was === undefined ? '!=' : '=', was ?? 'ok').executeTakeFirst();
  if (Number(cleared.numUpdatedRows) > 0) return true;
  // None cleared: `ok` is recorded as seen at `now` all the same, so that a trouble seen before, written late, does not
  // replace it. A trouble written between the two statements is cleared by this one, without saying so.
  await (was === undefined ? ok : ok.where('health', 'in', ['ok', was])).execute();
  return false;
}

/**
 * The page's recorded health was seen at `now` or before: a write of what was seen at `now` may replace it. Health is
 * written by several processes on one PostgreSQL, and through several connections of each, so writes can land in
 * another order than they were seen in; the time they were seen orders them (each process's clock, to the
 * millisecond: the later write of the same millisecond wins).
 */
function seenBy(now: number) {
  return (eb: ExpressionBuilder<Database, 'pages'>) => eb.or([eb('health_at', 'is', null), eb('health_at', '<=', now)]);
}

/** Records Meta's warning about the page's messaging, or clears it (null) once Meta blocks or unblocks the page. */
export async function recordPolicyWarning(db: Kysely<Database>, pageId: string, reason: string | null, now: number) {
  await db
    .updateTable('pages')
    .set({ policy_warning: reason, policy_warning_at: reason === null ? null : now })
    .where('id', '=', pageId)
    .execute();
}

/** What the gateway last did to the page's Messenger profile (sync-profile.ts, page-upkeep.ts). */
export interface ProfileSyncRecord {
  /** The fields it set on the page: the ones it deletes once no longer configured. */
  fields: MessengerProfileField[];
  /** A fingerprint of the profile it last made the page's match, and when (epoch ms). */
  checked?: { fingerprint: string; at: number };
}

/** The page's record; no fields and no check for a page the gateway never synced. */
export async function profileSyncRecord(db: Kysely<Database>, pageId: string): Promise<ProfileSyncRecord> {
  const row = await db
    .selectFrom('pages')
    .select(['messenger_profile_synced', 'messenger_profile_checked', 'messenger_profile_checked_at'])
    .where('id', '=', pageId)
    .executeTakeFirst();
  const fields = JSON.parse(row?.messenger_profile_synced ?? '[]');
  const fingerprint = row?.messenger_profile_checked;
  const at = row?.messenger_profile_checked_at;
  return fingerprint && at != null ? { fields, checked: { fingerprint, at: Number(at) } } : { fields };
}

export async function recordProfileSync(db: Kysely<Database>, pageId: string, record: Required<ProfileSyncRecord>) {
  await db
    .updateTable('pages')
    .set({
      messenger_profile_synced: JSON.stringify(record.fields),
      messenger_profile_checked: record.checked.fingerprint,
      messenger_profile_checked_at: record.checked.at,
    })
    .where('id', '=', pageId)
    .execute();
}

/**
 * How the last try of a piece of page upkeep went, for the Pages tab: `ok`, or `failed` with Graph's message, and
 * whether it is tried again (Graph was busy or limiting calls) or waits for someone to act (a token, a permission).
 */
export interface UpkeepStatus {
  status: 'ok' | 'failed';
  /** How Graph's refusal is handled (graph-error.ts: `token`, `permission`, `transient`…), and its message. */
  kind: string | null;
  detail: string | null;
  retrying: boolean;
  at: number;
}

export type UpkeepWork = 'subscription_status' | 'profile_sync_status';

/** Records a page upkeep's outcome; null when there is nothing to do (no profile configured). */
export async function recordUpkeepStatus(
  db: Kysely<Database>,
  pageId: string,
  work: UpkeepWork,
  status: UpkeepStatus | null,
) {
  await db
    .updateTable('pages')
    .set({ [work]: status && JSON.stringify(status) })
    .where('id', '=', pageId)
    .execute();
}
