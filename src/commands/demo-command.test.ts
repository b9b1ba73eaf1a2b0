import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoEmulatorPort, demoEnvironment, demoHostProblem, loadDemoConfig } from './demo-command.ts';
import { demoSeed } from './demo-seed.ts';

const cwd = () => mkdtempSync(join(tmpdir(), 'switchboard-demo-'));

describe('the demo’s configuration', () => {
  it('runs on its own SQLite file even when a production DATABASE_URL is exported', () => {
    const env = { DATABASE_URL: 'postgres://switchboard:secret@db.example/switchboard', SWITCHBOARD_CONFIG: 'x.yaml' };
    const config = loadDemoConfig(env, { cwd: cwd() });
    expect(config.databaseUrl).toBe('sqlite:./data/demo.db');
    expect(config.configPath).toBeUndefined();
    // A database it cannot use is said by the flag that picks another, not by the DATABASE_URL it does not read.
    expect(config.sources?.databaseUrl).toBe('--database-url');
  });

  it('reads no switchboard.yaml from the working directory, even one it could not load', () => {
    const dir = cwd();
    writeFileSync(
      join(dir, 'switchboard.yaml'),
      'port: 443\nadmin: { email: ops@example.com, password: production }\n',
    );
    const config = loadDemoConfig({}, { cwd: dir });
    expect(config.configPath).toBeUndefined();
    expect(config.port).toBe(3000);
    expect(config.admin).toBeUndefined();
    writeFileSync(join(dir, 'switchboard.yaml'), 'apps:\n  - id: "1"\n    secret: ${FB_APP_SECRET}\n');
    expect(loadDemoConfig({}, { cwd: dir }).configPath).toBeUndefined();
  });

  it('listens on this machine only, unless HOST says otherwise', () => {
    expect(loadDemoConfig({}, { cwd: cwd() }).host).toBe('localhost');
    // An env file copied from .env.example sets it empty: unset, as everywhere.
    expect(loadDemoConfig({ HOST: '', LOG_LEVEL: '' }, { cwd: cwd() })).toMatchObject({ host: 'localhost' });
    expect(loadDemoConfig({ HOST: '0.0.0.0' }, { cwd: cwd() }).host).toBe('0.0.0.0');
  });

  it('refuses a single address its gateway and emulator cannot reach each other at, before starting either', async () => {
    for (const host of ['localhost', '127.0.0.1', '0.0.0.0', '::', '0:0:0:0:0:0:0:0'])
      expect(await demoHostProblem(host), host).toBeUndefined();
    for (const host of ['192.0.2.10', '2001:db8::1'])
      expect(await demoHostProblem(host), host).toMatch(/reach each other at localhost.*set 0\.0\.0\.0/);
  });

  it("puts the emulator at PORT + 100 unless told, and never at the gateway's own port", () => {
    expect(demoEmulatorPort({ flag: undefined, env: { EMULATOR_PORT: '' }, port: 3000 })).toBe(3100);
    expect(demoEmulatorPort({ flag: undefined, env: { EMULATOR_PORT: '4100' }, port: 3000 })).toBe(4100);
    expect(demoEmulatorPort({ flag: '5100', env: { EMULATOR_PORT: '4100' }, port: 3000 })).toBe(5100);
    expect(() => demoEmulatorPort({ flag: undefined, env: {}, port: 65500 })).toThrow(/ - PORT: give a port/);
    expect(() => demoEmulatorPort({ flag: '3000', env: {}, port: 3000 })).toThrow(
      /--emulator-port \/ EMULATOR_PORT: 3000 is the gateway's port \(PORT\)/,
    );
  });

  it('takes another SQLite file from --database-url, and nothing but SQLite', () => {
    const env = { DATABASE_URL: 'postgres://db.example/switchboard' };
    expect(loadDemoConfig(env, { databaseUrl: 'sqlite:/tmp/demo-2.db', cwd: cwd() }).databaseUrl).toBe(
      'sqlite:/tmp/demo-2.db',
    );
    expect(() => demoEnvironment(env, 'postgres://db.example/switchboard')).toThrow(/--database-url: .*SQLite only/);
    expect(() => demoEnvironment(env, 'sqlite:')).toThrow(/--database-url: needs a file path/);
  });

  it("lets Facebook Login send browsers back to PUBLIC_URL, where they reach the demo's gateway", () => {
    const seed = demoSeed({
      webhookUrl: 'http://localhost:3000/webhooks/messenger',
      secret: 's',
      verifyToken: 'v',
      gatewayUrl: 'http://localhost:3000',
      publicUrl: 'http://192.0.2.10:3000',
    });
    expect(seed.apps[0]?.oauth_redirect_uris).toEqual(['http://192.0.2.10:3000/oauth/facebook/callback']);
  });
});
