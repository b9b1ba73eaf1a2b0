import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { SecretBox } from './secret-box.ts';

export interface PageToConnect {
  id: string;
  name?: string;
  access_token: string;
}

/**
 * Stores the pages a Facebook Login gave, their tokens sealed, as connected by `userId`. A page the configuration lists
 * is left alone (the configuration wins at every start) and answered in `configured`. A page connected before gets the
 * new token, and its health is `ok` again; its settings, assistant and profile stay.
 */
export async function saveConnectedPages(
  db: Kysely<Database>,
  box: SecretBox,
  input: { appId: string; userId: string; pages: PageToConnect[]; now: number },
): Promise<{ connected: string[]; configured: string[] }> {
  const { appId, userId, now } = input;
  const connected: string[] = [];
  const configured: string[] = [];
  if (input.pages.length === 0) return { connected, configured };
  await db.transaction().execute(async (tx) => {
    const ids = input.pages.map((p) => p.id);
    const rows = await tx.selectFrom('pages').select(['id', 'source']).where('id', 'in', ids).execute();
    const fromConfig = new Set(rows.filter((r) => r.source === 'config').map((r) => r.id));
    for (const page of input.pages) {
      if (fromConfig.has(page.id)) {
        configured.push(page.id);
        continue;
      }
      const values = {
        app_id: appId,
        name: page.name ?? null,
        access_token_sealed: box.seal(page.access_token),
        source: 'oauth',
        health: 'ok',
        health_detail: null,
        health_at: now,
        connected_by: userId,
        connected_at: now,
        updated_at: now,
      };
      await tx
        .insertInto('pages')
        .values({ id: page.id, ...values, assistant: null, settings: '{}', messenger_profile: null, created_at: now })
        // A page the configuration wrote meanwhile stays the configuration's.
        .onConflict((oc) => oc.column('id').doUpdateSet(values).where('pages.source', '=', 'oauth'))
        .execute();
      connected.push(page.id);
    }
  });
  return { connected, configured };
}

/**
 * Removes the pages whose token came from `userId`'s login to `appId` before `before` (epoch ms), and the page
 * `profileId` names (older deauthorize payloads: the page removed the app), when it was connected with Facebook Login.
 * Their conversations stay, with their history. A login after the request was issued keeps its pages: a request sent
 * again later must not undo it. Answers the ids removed.
 */
export async function removeConnectedPages(
  db: Kysely<Database>,
  input: { appId: string; userId: string; profileId?: string; before: number },
): Promise<string[]> {
  const { appId, userId, profileId, before } = input;
  const removed = await db
    .deleteFrom('pages')
    .where('source', '=', 'oauth')
    .where('app_id', '=', appId)
    .where('connected_at', '<=', before)
    .where((eb) =>
      profileId === undefined
        ? eb('connected_by', '=', userId)
        : eb.or([eb('connected_by', '=', userId), eb('id', '=', profileId)]),
    )
    .returning('id')
    .execute();
  return removed.map((r) => r.id).sort();
}

/** Records a data deletion request under its code; the same code again (a request sent twice) is kept once. */
export async function recordDataDeletion(
  db: Kysely<Database>,
  request: { code: string; pagesRemoved: number },
  now: number,
) {
  await db
    .insertInto('data_deletion_requests')
    .values({ confirmation_code: request.code, pages_removed: request.pagesRemoved, requested_at: now })
    .onConflict((oc) => oc.column('confirmation_code').doNothing())
    .execute();
}

export async function findDataDeletion(db: Kysely<Database>, code: string) {
  return db
    .selectFrom('data_deletion_requests')
    .select(['pages_removed', 'requested_at'])
    .where('confirmation_code', '=', code)
    .executeTakeFirst();
}
