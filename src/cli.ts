import { parseArgs } from 'node:util';
import { ConfigError } from './config/config-error.ts';

const USAGE = `switchboard <command>

Commands:
  start      run the gateway (configured by the environment and/or switchboard.yaml)
  demo       gateway + Messenger emulator + sample assistant on SQLite, in one process (--emulator-port,
             default EMULATOR_PORT or PORT + 100; --french; --database-url sqlite:<path>)
  emulator   the Messenger Platform emulator alone (switchboard emulator --help lists its options)
  check      check the configuration, the secret keys and each configured assistant (a flow is read
             and trained) without starting; exits 0, or 78 with every problem
  migrate    apply database migrations and exit (needs only the database URL)
  replay     queue dead messages and events again (--outbox, --events, default both); a running gateway
             picks them up within two minutes on SQLite, at once on PostgreSQL or through
             POST /api/dead-letters/replay

start, check, migrate and replay read their settings (DATABASE_URL, PORT, …) from the environment and
switchboard.yaml, not from flags (see .env.example): DATABASE_URL=postgres://… switchboard migrate.
--help (-h) prints this text.
`;

const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
  start: () => import('./commands/start-command.ts'),
  demo: () => import('./commands/demo-command.ts'),
  emulator: async () => ({ run: (await import('./emulator/command.ts')).runEmulatorCommand }),
  check: () => import('./commands/check-command.ts'),
  migrate: () => import('./commands/migrate-command.ts'),
  replay: () => import('./commands/replay-command.ts'),
};

const [name, ...argv] = process.argv.slice(2);
const load = name ? commands[name] : undefined;
const askedForHelp = name === undefined || name === 'help' || name === '--help' || name === '-h';
// The emulator prints its own usage for --help (its flags); the other commands print this one.
const commandHelp =
  name !== 'emulator' &&
  parseArgs({ args: argv, strict: false, options: { help: { type: 'boolean', short: 'h' } } }).values.help;
if (askedForHelp || (load && commandHelp)) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (!load) {
  process.stderr.write(`Unknown command '${name}'\n\n${USAGE}`);
  process.exit(2);
}
try {
  await (await load()).run(argv);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  // A flag the command does not take, a flag's value missing or not wanted, an argument: said plainly, with the
  // usage, as for an unknown command.
  if (String((error as { code?: unknown } | undefined)?.code).startsWith('ERR_PARSE_ARGS_')) {
    const usage = name === 'emulator' ? 'switchboard emulator --help lists its options.\n' : USAGE;
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  throw error;
}
