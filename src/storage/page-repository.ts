import type { Kysely } from 'kysely';
import type { AssistantConfig } from '../config/assistant-config.ts';
import type { Config } from '../config/load-config.ts';
import type { PageSettingsInput } from '../config/page-settings.ts';
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

/** Writes the apps and pages of the configuration into the database, sealed; the configuration wins on start-up. */
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
    for (const page of config.pages) {
      const values = {
        app_id: page.app_id,
        name: page.name ?? null,
        access_token_sealed: box.seal(page.access_token),
        source: 'config',
        assistant: page.assistant ? JSON.stringify(page.assistant) : null,
        settings: JSON.stringify(page.settings ?? {}),
        messenger_profile: page.messenger_profile ? JSON.stringify(page.messenger_profile) : null,
        health: 'ok',
        health_detail: null,
        health_at: now,
        updated_at: now,
      };
      await tx
        .insertInto('pages')
        .values({ id: page.id, ...values, created_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
    }
  });
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
    assistant: r.assistant ? JSON.parse(r.assistant) : null,
    settings: JSON.parse(r.settings),
    messenger_profile: r.messenger_profile ? JSON.parse(r.messenger_profile) : null,
    health: r.health,
    health_detail: r.health_detail,
  }));
}

/** Records a permanent Graph failure of the page (e.g. a dead token) for operators to see, or `ok` again. */
export async function recordPageHealth(
  db: Kysely<Database>,
  pageId: string,
  health: string,
  detail: string | null,
  now: number,
) {
  await db
    .updateTable('pages')
    .set({ health, health_detail: detail, health_at: now, updated_at: now })
    .where('id', '=', pageId)
    .execute();
}
