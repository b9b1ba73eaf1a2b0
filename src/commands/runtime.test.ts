import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.ts';
import { describeConfig, describeDatabaseUrl } from './runtime.ts';

const RUNTIME = fileURLToPath(new URL('./runtime.ts', import.meta.url));

/**
 * Runs `body` in a process of its own, with `closeOnSignals` and `exitOnFatal` in scope and `stop()` sending it
 * SIGTERM as an operator would; resolves with how it ended and what it printed.
 */
function inProcess(body: string): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  const script = [
    `import { closeOnSignals, exitOnFatal } from ${JSON.stringify(RUNTIME)};`,
    "import pino from 'pino';",
    "const logger = pino({ level: 'silent' });",
    "const stop = () => process.kill(process.pid, 'SIGTERM');",
    'const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));',
    'setInterval(() => {}, 1000);',
    body,
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout })));
}

describe('shutdown', () => {
  it('exits with 0 after every part closed', async () => {
    const ended = await inProcess("closeOnSignals(logger, { close: async () => console.log('closed') }); stop();");
    expect(ended).toEqual({ code: 0, signal: null, stdout: 'closed\n' });
  });

  it('exits with 1 when a part fails to close, after closing the others', async () => {
    const ended = await inProcess(`
      closeOnSignals(
        logger,
        { close: async () => { throw new Error('the disk is gone'); } },
        { close: async () => console.log('the other closed') },
      );
      stop();`);
    expect(ended).toEqual({ code: 1, signal: null, stdout: 'the other closed\n' });
  });

  it('lets a shutdown an operator started finish when a part fails for good meanwhile, then exits with 1', async () => {
    const ended = await inProcess(`
      closeOnSignals(logger, {
        close: async () => {
          exitOnFatal();
          exitOnFatal();
          await wait(200);
          console.log('closed');
        },
      });
      stop();`);
    expect(ended).toEqual({ code: 1, signal: null, stdout: 'closed\n' });
  });

  it('shuts down once on a fatal failure, however many follow, and exits with 1', async () => {
    const ended = await inProcess(`
      closeOnSignals(logger, { close: async () => { exitOnFatal(); await wait(200); console.log('closed'); } });
      exitOnFatal();`);
    expect(ended).toEqual({ code: 1, signal: null, stdout: 'closed\n' });
  });
});

describe('describeDatabaseUrl', () => {
  it('never shows a password, wherever the URL carries it', () => {
    const urls = [
      'postgres://sb:hunter22@db.example:5432/switchboard',
      'postgres://sb:p@ss@db.example/switchboard', // pg reads the password as "p@ss"
      'postgres://sb@db.example/switchboard?password=hunter22&sslmode=require',
      'postgresql://sb:a/b+c==@db.example/switchboard', // base64 with a slash: not a valid URL
    ];
    const shown = urls.map(describeDatabaseUrl);
    for (const line of shown) expect(line).not.toMatch(/hunter22|p@ss|ss@|a\/b\+c/);
    expect(shown).toEqual([
      'postgres://sb:redacted@db.example:5432/switchboard',
      'postgres://sb:redacted@db.example/switchboard',
      'postgres://sb@db.example/switchboard?redacted',
      'postgresql: (not a valid URL, not shown)',
    ]);
  });

  it('shows a SQLite path as it is', () => {
    expect(describeDatabaseUrl('sqlite:data/switchboard.db')).toBe('sqlite:data/switchboard.db');
  });
});

describe('describeConfig', () => {
  it('shows no password of the web addresses', () => {
    const config = loadConfig(
      {
        PUBLIC_URL: 'https://ops:hunter22@switchboard.example',
        GRAPH_API_URL: 'http://proxy:s3cret@127.0.0.1:9000',
        FACEBOOK_WEB_URL: 'https://www.facebook.com',
      },
      mkdtempSync(join(tmpdir(), 'switchboard-describe-')),
    );
    const shown = describeConfig(config);
    expect(JSON.stringify(shown)).not.toMatch(/hunter22|s3cret/);
    expect(shown).toMatchObject({
      public_url: 'https://ops:redacted@switchboard.example',
      graph: 'http://proxy:redacted@127.0.0.1:9000/v25.0',
      facebook_web_url: 'https://www.facebook.com',
    });
  });
});
