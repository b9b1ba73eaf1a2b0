import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.ts';
import { openDatabase } from '../storage/database.ts';
import { replayDead } from '../storage/replay.ts';

/**
 * `switchboard replay`: puts dead outbox rows and dead inbound events back in the queue. The running gateway picks
 * them up at its next start (or at once through the API's replay endpoint).
 */
export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { outbox: { type: 'boolean' }, events: { type: 'boolean' } } });
  const both = !values.outbox && !values.events;
  const { db, close } = openDatabase(loadConfig().databaseUrl);
  try {
    const counts = await replayDead(
      db,
      { outbox: both || !!values.outbox, events: both || !!values.events },
      Date.now(),
    );
    process.stdout.write(`queued again: ${counts.outbox} messages, ${counts.events} events\n`);
  } finally {
    await close();
  }
}
