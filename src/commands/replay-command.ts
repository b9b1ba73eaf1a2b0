import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { loadDatabaseUrl } from '../config/load-config.ts';
import { WORK_CHANNEL, type WorkNotice } from '../processing/leader.ts';
import { CHANGES_CHANNEL, changeNotices } from '../server/shared-changes.ts';
import { openDatabase, unusableDatabase } from '../storage/database.ts';
import { notifier } from '../storage/listening-session.ts';
import { replayDead } from '../storage/replay.ts';
import type { Database } from '../storage/schema.ts';

/** What the CLI's replay leaves to a gateway on SQLite: it looks for such work once a minute. */
const REPLAY_NOTE =
  'A running gateway picks them up within two minutes (or at its next start); ' +
  'POST /api/dead-letters/replay resumes them at once.';
const TOLD_NOTE = 'The running gateways were told: the one that sends resumes them now (or at its next start).';

/**
 * `switchboard replay`: puts dead outbox rows and dead inbound events back in the queue, in the database. On
 * PostgreSQL the running gateways are told at once, as the API's `POST /api/dead-letters/replay` does: the process
 * that sends resumes, and the inboxes show the messages pending again. On SQLite a running gateway finds them at its
 * next sweep for stored work nothing holds (once a minute, processing.ts).
 * Reads only the database URL of the configuration.
 */
export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { outbox: { type: 'boolean' }, events: { type: 'boolean' } } });
  const both = !values.outbox && !values.events;
  const { url, setting } = loadDatabaseUrl();
  const { db, capabilities, close } = openDatabase(url, { mustExist: true, setting });
  try {
    const counts = await replayDead(
      db,
      { outbox: both || !!values.outbox, events: both || !!values.events },
      Date.now(),
    ).catch((error) => {
      throw unusableDatabase(error, setting) ?? error;
    });
    const queued = counts.outbox + counts.events > 0;
    const told = queued && capabilities.sharedAcrossProcesses && (await tellGateways(db, counts.conversations));
    process.stdout.write(
      `queued again: ${counts.outbox} messages, ${counts.events} events\n${told ? TOLD_NOTE : REPLAY_NOTE}\n`,
    );
  } finally {
    await close();
  }
}

/** Whether the gateways on this PostgreSQL database could be told; the rows are queued again either way. */
async function tellGateways(db: Kysely<Database>, conversations: string[]): Promise<boolean> {
  const resume: WorkNotice = { resume: true };
  try {
    await notifier(db, WORK_CHANNEL)([JSON.stringify(resume)]);
    if (conversations.length > 0) await notifier(db, CHANGES_CHANNEL)(changeNotices(conversations));
    return true;
  } catch (error) {
    process.stderr.write(`could not tell the running gateways (${(error as Error).message})\n`);
    return false;
  }
}
