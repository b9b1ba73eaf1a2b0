import { parseArgs } from 'node:util';
import { loadDatabaseUrl } from '../config/load-config.ts';
import { openDatabase } from '../storage/database.ts';
import { replayDead } from '../storage/replay.ts';

/** What the CLI's replay leaves to the gateway: a running one looks for such work once a minute. */
const REPLAY_NOTE =
  'A running gateway picks them up within two minutes (or at its next start); ' +
  'POST /api/dead-letters/replay resumes them at once.';

/**
 * `switchboard replay`: puts dead outbox rows and dead inbound events back in the queue, in the database. A running
 * gateway finds them at its next sweep for stored work nothing holds (once a minute, processing.ts); the API's
 * `POST /api/dead-letters/replay` resumes them at once.
 * Reads only the database URL of the configuration.
 */
export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { outbox: { type: 'boolean' }, events: { type: 'boolean' } } });
  const both = !values.outbox && !values.events;
  const { db, close } = openDatabase(loadDatabaseUrl());
  try {
    const counts = await replayDead(
      db,
      { outbox: both || !!values.outbox, events: both || !!values.events },
      Date.now(),
    );
    process.stdout.write(`queued again: ${counts.outbox} messages, ${counts.events} events\n${REPLAY_NOTE}\n`);
  } finally {
    await close();
  }
}
