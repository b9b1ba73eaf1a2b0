import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError } from '../config/config-error.ts';
import { buildEmulator } from './index.ts';
import { defaultSeed, type EmulatorSeed, loadSeed } from './seed.ts';
import { findPageToken } from './state.ts';
import { isHttpUrl } from './validate-rules.ts';

const USAGE = `switchboard emulator [options]

Runs the Messenger Platform emulator: a Graph API, webhooks to your bot, Facebook Login and a chat page.

  --port <n>            port to listen on (default 3100)
  --host <host>         address to listen on (default 127.0.0.1); 0.0.0.0 or :: (every interface) is printed
                        as localhost, a specific address as it is
  --public-url <url>    the URL people open it at, when not localhost, a loopback address or the --host address
                        (default: EMULATOR_PUBLIC_URL); its control API refuses other hosts (DNS rebinding, other
                        machines)
  --webhook-url <url>   your bot's webhook (ignored with --seed)
  --app-secret <s>      the app secret webhooks are signed with (default: generated and printed)
  --verify-token <s>    the verify token sent when checking the webhook (default: generated and printed)
  --seed <file>         a YAML or JSON seed (apps, pages, people, accounts; see docs/emulator.md)
  --help, -h            this text`;

/**
 * `switchboard emulator`: starts the emulator, prints the chat page URL and the credentials a bot
 * needs, and runs until SIGINT/SIGTERM.
 */
export async function runEmulatorCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      'webhook-url': { type: 'string' },
      'app-secret': { type: 'string' },
      'verify-token': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port ?? 3100);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError([`--port: give a port number from 0 to 65535 (got ${values.port})`]);
  let seed: EmulatorSeed;
  if (values.seed) {
    seed = await loadSeed(values.seed);
  } else {
    seed = defaultSeed({
      secret: values['app-secret'] ?? randomBytes(16).toString('hex'),
      verify_token: values['verify-token'] ?? randomBytes(8).toString('hex'),
      ...(values['webhook-url'] ? { webhook_url: values['webhook-url'] } : {}),
    });
  }
  // Empty counts as unset, as in the gateway's configuration.
  const logger = pino({ level: process.env.LOG_LEVEL || 'info' });
  const publicUrl = values['public-url'] ?? (process.env.EMULATOR_PUBLIC_URL || undefined);
  if (publicUrl && !isHttpUrl(publicUrl))
    throw new ConfigError([`--public-url: give an http(s) URL such as http://192.0.2.10:3100 (got ${publicUrl})`]);
  const emulator = await buildEmulator({ seed, logger, ...(publicUrl ? { publicUrl } : {}) });
  const url = await emulator.listen({ port, host: values.host ?? '127.0.0.1' });
  process.stdout.write(`${describe(emulator, url)}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void emulator.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** What a developer needs to point a bot at the emulator; the emulator's own secrets are printed on purpose. */
function describe(emulator: Awaited<ReturnType<typeof buildEmulator>>, url: string): string {
  const lines = [`Messenger emulator listening on ${url}`, `  Chat page:   ${url}/`, `  Graph API:   ${url}/v25.0/`];
  for (const app of emulator.state.apps.values()) {
    lines.push(
      `  App ${app.name}: id ${app.id}, secret ${app.secret}, verify token ${app.verify_token ?? '-'}, webhook ${app.webhook_url ?? '(none)'}`,
    );
  }
  for (const page of emulator.state.pages.values()) {
    lines.push(`  Page ${page.name}: id ${page.id}, access token ${findPageToken(emulator.state, page)?.token ?? '-'}`);
  }
  lines.push('  Stop with Ctrl+C.');
  return lines.join('\n');
}
