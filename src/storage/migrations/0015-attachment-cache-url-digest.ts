import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

/** The table as it was before and after this migration; later changes of schema.ts do not change what this does. */
interface Tables {
  attachment_cache: { page_id: string; url: string; attachment_id: string; created_at: number };
  attachment_cache_by_digest: { page_id: string; url_sha256: string; attachment_id: string; created_at: number };
}

/** The digest attachment-cache.ts keys by, copied so that this migration keeps doing what it did. */
const urlDigest = (url: string) => createHash('sha256').update(url).digest('hex');

/** Rows copied per statement: a busy page's cache is not read whole into memory. */
const BATCH = 500;

/**
 * `attachment_cache` keyed by the SHA-256 of the media URL (`url_sha256`) instead of the URL: on PostgreSQL an index
 * row holds at most 2,704 bytes, and a longer URL (a signed CDN link) could not be stored. Neither database can change
 * a primary key in place, so the rows move to a new table, keyed by the digest, which takes the old one's name.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const tables = db as Kysely<Tables>;
  await db.schema
    .createTable('attachment_cache_by_digest')
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addColumn('url_sha256', 'text', (c) => c.notNull())
    .addColumn('attachment_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('attachment_cache_url_sha256_pk', ['page_id', 'url_sha256'])
    .execute();
  let after: { page_id: string; url: string } | undefined;
  for (;;) {
    let query = tables.selectFrom('attachment_cache').selectAll().orderBy('page_id').orderBy('url').limit(BATCH);
    if (after) {
      const { page_id, url } = after;
      query = query.where((eb) => eb(eb.refTuple('page_id', 'url'), '>', eb.tuple(page_id, url)));
    }
    const rows = await query.execute();
    if (rows.length === 0) break;
    await tables
      .insertInto('attachment_cache_by_digest')
      .values(rows.map(({ url, ...row }) => ({ ...row, url_sha256: urlDigest(url) })))
      .execute();
    after = rows[rows.length - 1];
  }
  await db.schema.dropTable('attachment_cache').execute();
  await db.schema.alterTable('attachment_cache_by_digest').renameTo('attachment_cache').execute();
}

/** Back to the table keyed by URL, empty: the digests do not give the URLs back. Media go by URL until cached again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('attachment_cache').execute();
  await db.schema
    .createTable('attachment_cache')
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('attachment_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('attachment_cache_pk', ['page_id', 'url'])
    .execute();
}
