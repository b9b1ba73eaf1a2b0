import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

/** Runs `switchboard <args>` in `cwd` with only `env` (and PATH) set. */
function switchboard(args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What `switchboard start` needs beside the config file. */
const START_ENV = {
  FB_APP_SECRET: '0123456789abcdef0123456789abcdef',
  FB_VERIFY_TOKEN: 'verify-token-123',
  PAGE_TOKEN: `EAA${'x'.repeat(100)}`,
  SWITCHBOARD_SECRET_KEY: Buffer.alloc(32, 1).toString('base64'),
};

/** A config file whose pages need tokens and a model key the maintenance commands never use. */
function configDir() {
  const cwd = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
  writeFileSync(
    join(cwd, 'switchboard.yaml'),
    [
      'database_url: sqlite:./state/switchboard.db',
      'apps:',
      '  - id: "1517776481860111"',
      '    secret: ${FB_APP_SECRET}',
      '    verify_token: ${FB_VERIFY_TOKEN}',
      'pages:',
      '  - id: "104857392018475"',
      '    access_token: ${PAGE_TOKEN}',
      '',
    ].join('\n'),
  );
  return cwd;
}

describe('the switchboard command', () => {
  it('migrates with only the database URL of the configuration, none of its tokens', () => {
    const cwd = configDir();
    const migrated = switchboard(['migrate'], cwd);
    expect(migrated).toMatchObject({ status: 0, stderr: '' });
    expect(migrated.stdout).toMatch(/^applied to .*state\/switchboard\.db: 0001-initial/);
    expect(switchboard(['migrate'], cwd).stdout).toMatch(/state\/switchboard\.db is up to date\n$/);
    expect(existsSync(join(cwd, 'state/switchboard.db'))).toBe(true);
  });

  it('says when a running gateway sends replayed rows, and which endpoint resumes them at once', () => {
    const cwd = configDir();
    expect(switchboard(['migrate'], cwd).status).toBe(0);
    const replayed = switchboard(['replay'], cwd);
    expect(replayed).toMatchObject({ status: 0, stderr: '' });
    expect(replayed.stdout).toMatch(
      /^queued again: 0 messages, 0 events\n.*within two minutes.*POST \/api\/dead-letters\/replay/,
    );
    expect(switchboard(['--help'], cwd).stdout).toMatch(
      /replay .*\n.*within two minutes on SQLite, at once on PostgreSQL.*\n.*POST \/api\/dead-letters\/replay/,
    );
  });

  it('replays nothing where there is no database, and creates none', () => {
    const cwd = configDir();
    const result = switchboard(['replay'], cwd);
    expect(result.status).toBe(78);
    // The URL came from the file: the message names its key there, not DATABASE_URL.
    expect(result.stderr).toMatch(
      /^Invalid configuration:\n {2}- \/.*\/switchboard\.yaml: database_url: no database at \.\/state\/switchboard\.db/,
    );
    expect(existsSync(join(cwd, 'state/switchboard.db'))).toBe(false);
  });

  it('refuses a demo on port 0 and an emulator public URL without http, by name', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
    const zero = switchboard(['demo'], cwd, { PORT: '0' });
    expect(zero.status).toBe(78);
    expect(zero.stderr).toMatch(/- PORT: the demo needs a port number/);
    const schemeless = switchboard(['demo'], cwd, { EMULATOR_PUBLIC_URL: '192.0.2.10:3100' });
    expect(schemeless.status).toBe(78);
    expect(schemeless.stderr).toMatch(/- EMULATOR_PUBLIC_URL: give an http\(s\) URL/);
    const emulator = switchboard(['emulator', '--public-url', 'demo.lan:3100'], cwd);
    expect(emulator.status).toBe(78);
    expect(emulator.stderr).toMatch(/- --public-url: give an http\(s\) URL/);
    const port = switchboard(['emulator', '--port', 'abc'], cwd);
    expect(port.status).toBe(78);
    expect(port.stderr).toMatch(
      /^Invalid configuration:\n {2}- --port: give a port number from 0 to 65535 \(got abc\)/,
    );
  });

  it('prints its usage for --help and exits with 0, and the emulator its own options', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
    const help = switchboard(['--help'], cwd);
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^switchboard <command>/);
    const emulator = switchboard(['emulator', '--help'], cwd);
    expect(emulator).toMatchObject({ status: 0, stderr: '' });
    expect(emulator.stdout).toMatch(/^switchboard emulator \[options\][\s\S]*--public-url <url>/);
    expect(switchboard(['unknown'], cwd).status).toBe(2);
    const flag = switchboard(['replay', '--outbx'], cwd);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/^Unknown option '--outbx'[\s\S]*switchboard <command>/);
    expect(flag.stderr).not.toMatch(/\n {4}at /);
    const emulatorFlag = switchboard(['emulator', '--prot', '3100'], cwd);
    expect(emulatorFlag.status).toBe(2);
    expect(emulatorFlag.stderr).toMatch(/^Unknown option '--prot'[\s\S]*switchboard emulator --help lists its options/);
  });

  it('refuses flags and arguments start and migrate do not take, instead of running without them', () => {
    const cwd = configDir();
    // Ignored, the flag would migrate ./state/switchboard.db, the configured database, and say it had.
    const migrate = switchboard(['migrate', '--database-url', 'sqlite:./other.db'], cwd);
    expect(migrate.status).toBe(2);
    expect(migrate.stderr).toMatch(/^Unknown option '--database-url'[\s\S]*not from flags/);
    expect(existsSync(join(cwd, 'state/switchboard.db'))).toBe(false);
    expect(existsSync(join(cwd, 'other.db'))).toBe(false);
    // Without the secret key the gateway would stop at the configuration (78); the flag is refused before.
    const start = switchboard(['start', '--port', '4000'], cwd, { ...START_ENV, SWITCHBOARD_SECRET_KEY: '' });
    expect(start.status).toBe(2);
    expect(start.stderr).toMatch(/^Unknown option '--port'/);
    const positional = switchboard(['migrate', 'now'], cwd);
    expect(positional.status).toBe(2);
    expect(positional.stderr).toMatch(/^Unexpected argument 'now'/);
  });

  it('says what is wrong with a flag’s value in one line and the usage, without a stack trace', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
    for (const [args, message] of [
      [['replay', '--outbox=yes'], /^Option '--outbox' does not take an argument/],
      [['demo', '--emulator-port'], /^Option '--emulator-port <value>' argument missing/],
      [['replay', '--events', 'extra'], /^Unexpected argument 'extra'/],
    ] as const) {
      const result = switchboard([...args], cwd);
      expect([args, result.status]).toEqual([args, 2]);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/switchboard <command>/);
      expect(result.stderr).not.toMatch(/\n {4}at /);
    }
  });

  it('names an unknown command on stderr, and takes -h for --help', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
    const unknown = switchboard(['strat'], cwd);
    expect(unknown).toMatchObject({ status: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^Unknown command 'strat'\n\nswitchboard <command>/);
    for (const args of [['-h'], ['demo', '-h'], ['replay', '-h']]) {
      const help = switchboard(args, cwd);
      expect([args, help.status, help.stderr]).toEqual([args, 0, '']);
      expect(help.stdout).toMatch(/^switchboard <command>/);
    }
    const emulator = switchboard(['emulator', '-h'], cwd);
    expect(emulator).toMatchObject({ status: 0, stderr: '' });
    expect(emulator.stdout).toMatch(/^switchboard emulator \[options\]/);
  });

  it('says which setting to check when the database cannot be used, in one line, not as a failed migration', () => {
    const cwd = configDir();
    const unreachable = { DATABASE_URL: 'postgres://postgres:se-cret@127.0.0.1:1/switchboard' };
    for (const command of ['migrate', 'replay', 'start']) {
      const result = switchboard([command], cwd, { ...unreachable, ...START_ENV });
      expect([command, result.status]).toEqual([command, 78]);
      expect(result.stderr).toMatch(/- DATABASE_URL: cannot use the database \(connect ECONNREFUSED 127\.0\.0\.1:1\)/);
      expect(result.stderr).not.toMatch(/se-cret|migration|\n {4}at /);
    }
    // A file where the database's folder should be.
    const folder = switchboard(['migrate'], cwd, { DATABASE_URL: 'sqlite:./switchboard.yaml/x.db' });
    expect(folder.status).toBe(78);
    expect(folder.stderr).toMatch(/- DATABASE_URL: cannot use the database \(EEXIST/);
    const unopenable = switchboard(['migrate'], cwd, { DATABASE_URL: 'sqlite:.' }); // A folder.
    expect(unopenable.status).toBe(78);
    expect(unopenable.stderr).toMatch(/- DATABASE_URL: cannot use the database/);
  });

  it('names the key of switchboard.yaml, not the variable, when the file gave the database URL', () => {
    const cwd = configDir();
    const file = join(cwd, 'switchboard.yaml');
    const yaml = readFileSync(file, 'utf8').replace('sqlite:./state/switchboard.db', 'sqlite:./switchboard.yaml/x.db');
    writeFileSync(file, yaml);
    for (const command of ['migrate', 'start']) {
      const result = switchboard([command], cwd, START_ENV);
      expect([command, result.status]).toEqual([command, 78]);
      expect(result.stderr).toContain(`- ${file}: database_url: cannot use the database (EEXIST`);
    }
  });

  it('says which setting to change when the port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      const { port } = taken.address() as AddressInfo;
      const cwd = configDir();
      const result = switchboard(['start'], cwd, {
        PORT: String(port),
        HOST: '127.0.0.1',
        ...START_ENV,
      });
      expect(result.status).toBe(78);
      expect(result.stderr).toMatch(/- PORT: another process listens there \(.*EADDRINUSE/);
      expect(result.stderr).not.toMatch(/\n {4}at /);
      // Given by the file, the port is named by its key there.
      const file = join(cwd, 'switchboard.yaml');
      writeFileSync(file, `port: ${port}\nhost: 127.0.0.1\n${readFileSync(file, 'utf8')}`);
      const fromFile = switchboard(['start'], cwd, START_ENV);
      expect(fromFile.status).toBe(78);
      expect(fromFile.stderr).toContain(`- ${file}: port: another process listens there (`);
    } finally {
      taken.close();
    }
  });

  it('stops with the key and the fix for a database URL it cannot open, without a stack trace or the URL', () => {
    const cwd = configDir();
    const result = switchboard(['migrate'], cwd, { DATABASE_URL: 'postgres://sb:se/cret@db.example/sb' });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/^Invalid configuration:\n {2}- DATABASE_URL: .*percent-encode/);
    expect(result.stderr).not.toMatch(/se\/cret|db\.example|\n {4}at /);
  });

  it('checks the configuration, the secret key and each assistant without starting, printing no secret', () => {
    const cwd = configDir();
    const valid = switchboard(['check'], cwd, START_ENV);
    expect(valid).toMatchObject({ status: 0, stderr: '' });
    expect(valid.stdout).toMatch(
      /"pages": \[\n\s+\{\n\s+"id": "104857392018475"[\s\S]*\nThe configuration is valid\.\n$/,
    );
    for (const secret of Object.values(START_ENV)) expect(valid.stdout).not.toContain(secret);
    // Nothing started, and no database made.
    expect(existsSync(join(cwd, 'state'))).toBe(false);

    writeFileSync(
      join(cwd, 'typo.yaml'),
      'name: typo\nactions:\n  - id: hi\n    examples: [hello]\n    steps:\n      - sya: hi\n',
    );
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      `${readFileSync(join(cwd, 'switchboard.yaml'), 'utf8')}    assistant: { type: flow, path: typo.yaml }\n`,
    );
    const { SWITCHBOARD_SECRET_KEY: _key, ...withoutKey } = START_ENV;
    const invalid = switchboard(['check'], cwd, withoutKey);
    expect(invalid).toMatchObject({ status: 78, stdout: '' });
    expect(invalid.stderr).toBe(
      [
        'Invalid configuration:',
        '  - SWITCHBOARD_SECRET_KEY: required to encrypt tokens at rest; generate one with "openssl rand -base64 32"',
        '  - page 104857392018475: typo.yaml:6: unknown step "sya" (did you mean "say"?)',
        '',
      ].join('\n'),
    );

    // A problem in the configuration itself does not hide those of the parts that do not depend on it.
    const { FB_APP_SECRET: _secret, ...withoutSecrets } = withoutKey;
    const broken = switchboard(['check'], cwd, withoutSecrets);
    expect(broken).toMatchObject({ status: 78, stdout: '' });
    expect(broken.stderr).toBe(
      [
        'Invalid configuration:',
        `  - ${join(cwd, 'switchboard.yaml')}: apps.0.secret: \${FB_APP_SECRET} is not set in the environment; export FB_APP_SECRET`,
        '  - SWITCHBOARD_SECRET_KEY: required to encrypt tokens at rest; generate one with "openssl rand -base64 32"',
        '  - page 104857392018475: typo.yaml:6: unknown step "sya" (did you mean "say"?)',
        '',
      ].join('\n'),
    );
  });
});
