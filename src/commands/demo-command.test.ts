import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.ts';
import { demoEnvironment } from './demo-command.ts';

const cwd = () => mkdtempSync(join(tmpdir(), 'switchboard-demo-'));

describe('the demo’s configuration', () => {
  it('runs on its own SQLite file even when a production DATABASE_URL is exported', () => {
    const env = { DATABASE_URL: 'postgres://switchboard:secret@db.example/switchboard', SWITCHBOARD_CONFIG: 'x.yaml' };
    const config = loadConfig(demoEnvironment(env), cwd());
    expect(config.databaseUrl).toBe('sqlite:./data/demo.db');
    expect(config.configPath).toBeUndefined();
  });

  it('listens on this machine only, unless HOST says otherwise', () => {
    expect(loadConfig(demoEnvironment({}), cwd()).host).toBe('localhost');
    expect(loadConfig(demoEnvironment({ HOST: '0.0.0.0' }), cwd()).host).toBe('0.0.0.0');
  });

  it('takes another SQLite file from --database-url, and nothing but SQLite', () => {
    const env = { DATABASE_URL: 'postgres://db.example/switchboard' };
    expect(loadConfig(demoEnvironment(env, 'sqlite:/tmp/demo-2.db'), cwd()).databaseUrl).toBe('sqlite:/tmp/demo-2.db');
    expect(() => demoEnvironment(env, 'postgres://db.example/switchboard')).toThrow(/--database-url: .*SQLite only/);
    expect(() => demoEnvironment(env, 'sqlite:')).toThrow(/--database-url: needs a file path/);
  });
});
