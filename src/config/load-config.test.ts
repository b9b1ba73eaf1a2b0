import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { inspectConfig, loadConfig, loadDatabaseUrl } from './load-config.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'switchboard-config-'));
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({}, dir());
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: 'sqlite:./data/switchboard.db',
      publicUrl: 'http://localhost:3000',
    });
    expect(config.graph).toEqual({ apiUrl: 'https://graph.facebook.com', version: 'v25.0', batchSends: true });
    expect(config.pages).toEqual([]);
  });

  it('configures one page from the environment', () => {
    const config = loadConfig(
      {
        FB_APP_ID: '111',
        FB_APP_SECRET: 'app-secret-1',
        FB_VERIFY_TOKEN: 'vt',
        FB_PAGE_ID: '222',
        FB_PAGE_ACCESS_TOKEN: 'EAA',
        SWITCHBOARD_ASSISTANT: 'https://bot.example.com/turn',
      },
      dir(),
    );
    expect(config.pages).toMatchObject([
      {
        id: '222',
        app_id: '111',
        access_token: 'EAA',
        assistant: { type: 'http', url: 'https://bot.example.com/turn' },
      },
    ]);
  });

  it('names the variable and the fix when one of a group is missing', () => {
    expect(problemsOf(() => loadConfig({ FB_APP_ID: '111', FB_PAGE_ID: '222' }, dir()))).toEqual([
      'FB_APP_SECRET: required with FB_APP_ID; set it from the App Dashboard',
      'FB_VERIFY_TOKEN: required with FB_APP_ID; set it from the App Dashboard',
      'FB_PAGE_ACCESS_TOKEN: required with FB_PAGE_ID; copy the page token',
    ]);
    // The other way round: the values that come with an id, without it.
    const withoutIds = { FB_APP_SECRET: 's3cret', FB_VERIFY_TOKEN: 'verify', FB_PAGE_ACCESS_TOKEN: 'EAA' };
    expect(problemsOf(() => loadConfig(withoutIds, dir()))).toEqual([
      'FB_APP_ID: required with FB_APP_SECRET; set it from the App Dashboard',
      'FB_APP_ID: required with FB_VERIFY_TOKEN; set it from the App Dashboard',
      'FB_PAGE_ID: required with FB_PAGE_ACCESS_TOKEN; the id of the page the token is for',
    ]);
    // A page from the environment with no app to go with it is named by its variables.
    const page = { FB_PAGE_ID: '222', FB_PAGE_ACCESS_TOKEN: 'EAA' };
    expect(problemsOf(() => loadConfig(page, dir()))).toEqual([
      'FB_APP_ID: page 222 (FB_PAGE_ID) needs it when 0 apps are configured',
    ]);
  });

  it('refuses a PUBLIC_URL without a scheme by its name, rather than failing on it', () => {
    expect(problemsOf(() => loadConfig({ PUBLIC_URL: 'bot.example.com' }, dir()))).toEqual([
      expect.stringMatching(/^PUBLIC_URL: /),
    ]);
  });

  it('refuses a PUBLIC_URL with a path, which the callbacks and the inbox would not follow', () => {
    expect(problemsOf(() => loadConfig({ PUBLIC_URL: 'https://bot.example.com/switchboard' }, dir()))).toEqual([
      'PUBLIC_URL: give the origin only, such as https://bot.example.com: Switchboard serves its paths from the root',
    ]);
    expect(loadConfig({ PUBLIC_URL: 'https://bot.example.com/' }, dir()).publicUrl).toBe('https://bot.example.com');
  });

  it('refuses a URL setting that is not http(s), which z.url() alone took (localhost:3100 has the scheme localhost:)', () => {
    const env = {
      PUBLIC_URL: 'localhost:3000',
      GRAPH_API_URL: 'localhost:3100',
      FACEBOOK_WEB_URL: 'ftp://www.facebook.com',
    };
    expect(problemsOf(() => loadConfig(env, dir()))).toEqual([
      'PUBLIC_URL: give an http(s) URL such as https://bot.example.com',
      'GRAPH_API_URL: give an http(s) URL such as https://graph.facebook.com',
      'FACEBOOK_WEB_URL: give an http(s) URL such as https://www.facebook.com',
    ]);
    const local = { PUBLIC_URL: 'http://[::1]:3000', GRAPH_API_URL: 'http://emulator_1:3100' };
    expect(loadConfig(local, dir())).toMatchObject({
      publicUrl: 'http://[::1]:3000',
      graph: { apiUrl: 'http://emulator_1:3100' },
    });
  });

  it('refuses a GRAPH_API_URL that ends with the version, which every call would then carry twice', () => {
    expect(problemsOf(() => loadConfig({ GRAPH_API_URL: 'https://graph.facebook.com/v25.0/' }, dir()))).toEqual([
      'GRAPH_API_URL: leave the version out, such as https://graph.facebook.com: GRAPH_API_VERSION (graph_api_version) sets it',
    ]);
    // A proxy's path is kept.
    expect(loadConfig({ GRAPH_API_URL: 'https://proxy.example.com/graph/' }, dir()).graph.apiUrl).toBe(
      'https://proxy.example.com/graph',
    );
  });

  it('turns batched sends off with GRAPH_BATCH_SENDS=false or the file, and refuses what is not true or false', () => {
    expect(loadConfig({ GRAPH_BATCH_SENDS: 'false' }, dir()).graph.batchSends).toBe(false);
    expect(loadConfig({ GRAPH_BATCH_SENDS: ' TRUE ' }, dir()).graph.batchSends).toBe(true);
    const cwd = dir();
    writeFileSync(join(cwd, 'switchboard.yaml'), 'graph_batch_sends: false\n');
    expect(loadConfig({}, cwd).graph.batchSends).toBe(false);
    expect(problemsOf(() => loadConfig({ GRAPH_BATCH_SENDS: 'no' }, dir()))).toEqual([
      'GRAPH_BATCH_SENDS: must be true or false',
    ]);
  });

  it('checks an app and a page from the environment by the file’s rules, naming the variables', () => {
    const env = {
      FB_APP_ID: 'my-app',
      FB_APP_SECRET: 'x',
      FB_VERIFY_TOKEN: 'vt',
      FB_PAGE_ID: 'my page',
      FB_PAGE_ACCESS_TOKEN: 'EAA-not-shown',
    };
    const problems = problemsOf(() => loadConfig(env, dir()));
    expect(problems).toEqual([
      'FB_APP_ID: must be a numeric Facebook id',
      'FB_APP_SECRET: looks too short for an app secret',
      'FB_PAGE_ID: must be a numeric Facebook id',
      'FB_APP_ID: must be a numeric Facebook id',
    ]);
  });

  it('reads switchboard.yaml with ${ENV} references, and the environment wins', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      'port: 4000\napps:\n  - id: "111"\n    secret: ${APP_SECRET}\n    verify_token: vt\npages:\n  - id: "222"\n    access_token: ${TOKEN}\n    settings: { response_delay: short }\n',
    );
    const config = loadConfig({ APP_SECRET: 'from-the-env', TOKEN: 'EAAX', PORT: '5000' }, cwd);
    expect(config.port).toBe(5000);
    expect(config.apps[0]?.secret).toBe('from-the-env');
    expect(config.pages[0]).toMatchObject({ app_id: '111', settings: { response_delay: 'short' } });
  });

  it('reads switchboard.yaml when SWITCHBOARD_CONFIG is empty, as an env-file copied from .env.example has it', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      'apps:\n  - {id: "111", secret: app-secret-1, verify_token: vt}\npages:\n  - {id: "222", access_token: EAA}\n',
    );
    const config = loadConfig({ SWITCHBOARD_CONFIG: '' }, cwd);
    expect(config.configPath).toBe('switchboard.yaml');
    expect(config.pages.map((p) => p.id)).toEqual(['222']);
  });

  it('refuses a SWITCHBOARD_CONFIG that names a folder, by name', () => {
    expect(problemsOf(() => loadConfig({ SWITCHBOARD_CONFIG: '.' }, dir()))).toEqual([
      expect.stringMatching(/^SWITCHBOARD_CONFIG: .+ is not a file; name the YAML file itself$/),
    ]);
  });

  it('lets switchboard.yaml decide what an env-file copied from .env.example leaves at its default', () => {
    const example = readFileSync(join(import.meta.dirname, '../../.env.example'), 'utf8');
    const env = Object.fromEntries(
      example
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const cwd = dir();
    // Its SWITCHBOARD_ASSISTANT names the sample flow, relative to the folder the gateway runs in.
    mkdirSync(join(cwd, 'assistants'));
    copyFileSync(
      join(import.meta.dirname, '../../assistants/shop-support.en.yaml'),
      join(cwd, 'assistants/shop-support.en.yaml'),
    );
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      'port: 4000\nhost: 127.0.0.1\ndatabase_url: sqlite:./data/other.db\nlog_level: warn\n' +
        'graph_api_url: https://graph.example.com\ngraph_api_version: v24.0\n',
    );
    expect(loadConfig(env, cwd)).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: 'sqlite:./data/other.db',
      logLevel: 'warn',
      graph: { apiUrl: 'https://graph.example.com', version: 'v24.0' },
    });
    expect(loadDatabaseUrl(env, cwd).url).toBe('sqlite:./data/other.db');
  });

  it('says which setting gave the database URL, the port and the host, for the errors that name them', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    writeFileSync(file, 'database_url: sqlite:./data/other.db\nport: 4000\n');
    expect(loadConfig({}, cwd).sources).toEqual({
      databaseUrl: `${file}: database_url`,
      port: `${file}: port`,
      host: 'HOST',
    });
    // The environment wins over the file; a setting left at its default is named by its variable.
    expect(loadConfig({ DATABASE_URL: 'sqlite:./x.db', HOST: '127.0.0.1' }, cwd).sources).toEqual({
      databaseUrl: 'DATABASE_URL',
      port: `${file}: port`,
      host: 'HOST',
    });
    expect(loadConfig({}, dir()).sources).toEqual({ databaseUrl: 'DATABASE_URL', port: 'PORT', host: 'HOST' });
  });

  it('refuses unknown keys in apps, pages, page settings and assistants, naming each and the key meant', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    writeFileSync(
      file,
      [
        'apps:',
        '  - { id: "111", secret: app-secret-1, verify_token: vt, secert: x }',
        'admin: { email: admin@example.com, password: "12345678", pasword: x }',
        'pages:',
        '  - id: "222"',
        '    access_token: EAA',
        '    setings: { auto_replies: false }',
        '    settings: { auto_reply: false, bussiness_hours: { time_zone: UTC, days: {} } }',
        '  - id: "333"',
        '    access_token: EAA',
        '    assistant: { type: llm, base_url: "https://api.example.com/v1", model: m, api_key: sk-secret }',
        '  - id: "444"',
        '    access_token: EAA',
        '    assistant: { type: http, url: "https://bot.example.com/", timeout: 5000 }',
        '',
      ].join('\n'),
    );
    const problems = problemsOf(() => loadConfig({}, cwd));
    expect(problems.sort()).toEqual(
      [
        `${file}: apps.0: Unrecognized key: "secert" (did you mean "secret"?); remove or rename it`,
        `${file}: admin: Unrecognized key: "pasword" (did you mean "password"?); remove or rename it`,
        `${file}: pages.0: Unrecognized key: "setings" (did you mean "settings"?); remove or rename it`,
        `${file}: pages.0.settings: Unrecognized key: "auto_reply"; remove or rename it`,
        `${file}: pages.0.settings: Unrecognized key: "bussiness_hours" (did you mean "business_hours"?); remove or rename it`,
        `${file}: pages.1.assistant: Unrecognized key: "api_key"; remove or rename it`,
        `${file}: pages.2.assistant: Unrecognized key: "timeout"; remove or rename it`,
      ].sort(),
    );
    expect(problems.join('\n')).not.toContain('sk-secret');
  });

  it('reports a mistake inside an assistant on its own key, not as "Invalid input"', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    const page = (id: string, assistant: string) => [
      `  - id: "${id}"`,
      '    access_token: EAA',
      `    assistant: ${assistant}`,
    ];
    writeFileSync(
      file,
      [
        'apps:',
        '  - { id: "111", secret: app-secret-1, verify_token: vt }',
        'pages:',
        ...page('1', '{ type: llm, base_url: "https://api.example.com/v1" }'),
        ...page('2', '{ type: lm, base_url: "https://api.example.com/v1", model: m }'),
        ...page('3', '{ type: http, url: "https://bot.example.com/", timeout_ms: "${TMO}" }'),
        ...page('4', '{ type: http, url: "https://bot.example.com/", timeout_ms: "${SLOW}" }'),
        ...page('5', '""'),
        '',
      ].join('\n'),
    );
    const problems = problemsOf(() => loadConfig({ TMO: 'soon', SLOW: '600000' }, cwd));
    expect(problems).toEqual([
      `${file}: pages.0.assistant.model: is required; add it`,
      `${file}: pages.1.assistant.type: must be one of flow, http, llm`,
      `${file}: pages.2.assistant.timeout_ms: must be a number; write digits, without quotes`,
      `${file}: pages.3.assistant.timeout_ms: is above 60000; give 60000 or less`,
      `${file}: pages.4.assistant: must be a flow file path, an http(s) bot URL, or a mapping with type: flow, http, llm`,
    ]);
    const env = { FB_APP_ID: '111', FB_APP_SECRET: 'app-secret-1', FB_VERIFY_TOKEN: 'vt', FB_PAGE_ID: '222' };
    const bot = { ...env, FB_PAGE_ACCESS_TOKEN: 'EAA', SWITCHBOARD_ASSISTANT: 'https://bot.example.com/turn' };
    expect(loadConfig(bot, dir()).pages[0]?.assistant).toEqual({
      type: 'http',
      url: 'https://bot.example.com/turn',
      timeout_ms: 10_000,
      retries: 2,
    });
  });

  it('refuses an empty or blank port instead of listening on a port picked at random', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'switchboard.yaml'), 'port: ${PORT}\n');
    expect(problemsOf(() => loadConfig({ PORT: '' }, cwd))).toEqual([
      expect.stringMatching(/^.*switchboard\.yaml: port: \$\{PORT\} is set but empty; export PORT with its value/),
    ]);
    writeFileSync(join(cwd, 'switchboard.yaml'), 'port:\n');
    expect(problemsOf(() => loadConfig({}, cwd))).toEqual([expect.stringMatching(/switchboard\.yaml: port: must be/)]);
    expect(problemsOf(() => loadConfig({ PORT: ' ' }, dir()))).toEqual([
      expect.stringMatching(/^PORT: must be a port number such as 3000/),
    ]);
    // An empty variable is unset, as every other one; digits written as text are a number; 0 stays explicit.
    expect(loadConfig({ PORT: '' }, dir()).port).toBe(3000);
    expect(loadConfig({ PORT: '0' }, dir()).port).toBe(0);
    writeFileSync(join(cwd, 'switchboard.yaml'), 'port: "4000"\n');
    expect(loadConfig({}, cwd).port).toBe(4000);
  });

  it('refuses a blank host, which the server could not listen at, and drops the spaces around one', () => {
    const hostProblem = /^HOST: must be an address such as 127\.0\.0\.1 or 0\.0\.0\.0; for the default \(0\.0\.0\.0/;
    expect(problemsOf(() => loadConfig({ HOST: ' ' }, dir()))).toEqual([expect.stringMatching(hostProblem)]);
    // `switchboard check` reports it with the others, rather than the start failing to listen.
    expect(inspectConfig({ HOST: '\t', PORT: 'x' }, dir()).problems).toEqual([
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(hostProblem),
    ]);
    const cwd = dir();
    for (const written of ['host: ""\n', 'host:\n']) {
      writeFileSync(join(cwd, 'switchboard.yaml'), written);
      expect(problemsOf(() => loadConfig({}, cwd))).toEqual([
        expect.stringMatching(/switchboard\.yaml: host: must be an address such as 127\.0\.0\.1/),
      ]);
    }
    // An empty variable is unset, as every other one; a line break from a secret file is not part of the address.
    expect(loadConfig({ HOST: '' }, dir()).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: ' 127.0.0.1\n' }, dir()).host).toBe('127.0.0.1');
  });

  it('believes X-Forwarded-For from no proxy unless TRUST_PROXY names them, and refuses what is not an address', () => {
    expect(loadConfig({}, dir()).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }, dir()).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }, dir()).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
    ]);
    expect(problemsOf(() => loadConfig({ TRUST_PROXY: 'proxy.internal' }, dir()))).toEqual([
      expect.stringMatching(/^TRUST_PROXY: "proxy.internal" is not an address/),
    ]);
    expect(problemsOf(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' }, dir()))).toEqual([
      expect.stringMatching(/^TRUST_PROXY: /),
    ]);
  });

  it('trusts the last hops of X-Forwarded-For when TRUST_PROXY counts them, and refuses a count under 1 or not whole', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }, dir()).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: ' 1\n' }, dir()).trustProxy).toBe(1);
    for (const count of ['0', '-1', '1.5'])
      expect(problemsOf(() => loadConfig({ TRUST_PROXY: count }, dir()))).toEqual([
        `TRUST_PROXY: "${count}" is not a number of proxies: write how many stand in front of the gateway as a whole number of 1 or more (2 for a CDN then a load balancer), or false for none`,
      ]);
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    writeFileSync(file, 'trust_proxy: 2\n');
    expect(loadConfig({}, cwd).trustProxy).toBe(2);
    writeFileSync(file, 'trust_proxy: 0\n');
    expect(problemsOf(() => loadConfig({}, cwd))).toEqual([
      expect.stringMatching(new RegExp(`^${file}: trust_proxy: "0" is not a number of proxies: write how many`)),
    ]);
  });

  it('takes trust_proxy as a list in the file, as YAML writes one, and names a bad entry', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    writeFileSync(file, 'trust_proxy: [10.0.0.0/8, "::1"]\n');
    expect(loadConfig({}, cwd).trustProxy).toEqual(['10.0.0.0/8', '::1']);
    writeFileSync(file, 'trust_proxy:\n  - 10.0.0.1\n  - proxy.internal\n');
    expect(problemsOf(() => loadConfig({}, cwd))).toEqual([
      expect.stringMatching(new RegExp(`^${file}: trust_proxy: "proxy.internal" is not an address`)),
    ]);
  });

  it('asks for quotes around an id written as bare digits, which YAML reads as a number', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    writeFileSync(
      file,
      'apps: [{ id: 1517776481860111, secret: app-secret-1, verify_token: vt }]\npages: [{ id: 222, access_token: EAA }]\n',
    );
    const quote = 'write the id between quotes, such as "1517776481860111": YAML reads bare digits as a number';
    expect(problemsOf(() => loadConfig({}, cwd))).toEqual([
      `${file}: apps.0.id: ${quote}`,
      `${file}: pages.0.id: ${quote}`,
    ]);
  });

  it('says what to write for a URL, a menu item, a Graph version or an admin email it refuses', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    writeFileSync(
      file,
      [
        'graph_api_version: "25.0"',
        'admin: { email: ops, password: a long password }',
        'apps: [{ id: "1", secret: app-secret-1, verify_token: vt }]',
        'pages:',
        '  - id: "2"',
        '    access_token: EAA',
        '    assistant: { type: http, url: bot.example.com/turn }',
        '    messenger_profile:',
        '      persistent_menu:',
        '        - { title: Shop, url: shop.example.com }',
        '        - { title: Both, payload: X, url: "https://shop.example.com/" }',
        '        - { title: Neither }',
        '  - id: "3"',
        '    access_token: EAA',
        '    assistant: { type: llm, base_url: api.openai.com, model: m }',
        '',
      ].join('\n'),
    );
    expect(problemsOf(() => loadConfig({}, cwd))).toEqual([
      `${file}: graph_api_version: give a version such as v25.0`,
      `${file}: admin.email: give an email address such as ops@example.com`,
      `${file}: pages.0.assistant.url: give an http(s) URL such as https://bot.example.com/turn`,
      `${file}: pages.0.messenger_profile.persistent_menu.0.url: give an http(s) URL such as https://shop.example.com/`,
      `${file}: pages.0.messenger_profile.persistent_menu.1: give a title and either a payload or a url`,
      `${file}: pages.0.messenger_profile.persistent_menu.2: give a title and either a payload or a url`,
      `${file}: pages.1.assistant.base_url: give an http(s) URL such as https://api.openai.com/v1`,
    ]);
    expect(problemsOf(() => loadConfig({ SWITCHBOARD_ASSISTANT: 'https://bot example.com/' }, dir()))).toEqual([
      'SWITCHBOARD_ASSISTANT: give an http(s) URL such as https://bot.example.com/turn',
    ]);
  });

  it('gives the fix, not only the rule, for a value out of range, too short, of the wrong type or not a choice', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    writeFileSync(
      file,
      [
        'port: 70000',
        'admin: { email: ops@example.com, password: short }',
        'apps:',
        '  - { id: "111", secret: app-secret-1, verify_token: "" }',
        'pages:',
        '  - id: "222"',
        '    name: true',
        '    access_token: EAA',
        '    settings: { rate_limit_per_minute: 0, session_timeout_minutes: soon }',
        '',
      ].join('\n'),
    );
    expect(problemsOf(() => loadConfig({ LOG_LEVEL: 'loud' }, cwd))).toEqual([
      `${file}: port: is above 65535; give 65535 or less`,
      `${file}: admin.password: is shorter than 8 characters; give at least 8`,
      `${file}: apps.0.verify_token: is empty; give a value`,
      `${file}: pages.0.name: must be text; put it in quotes: YAML read it as true or false`,
      `${file}: pages.0.settings.session_timeout_minutes: must be a number; write digits, without quotes`,
      `${file}: pages.0.settings.rate_limit_per_minute: is below 1; give 1 or more`,
      'LOG_LEVEL: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"',
    ]);
  });

  it('says a key left out is required, not that undefined is of the wrong type', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    writeFileSync(file, 'apps:\n  - { id: "111", verify_token: vt }\npages:\n  - id: "222"\n');
    expect(problemsOf(() => loadConfig({}, cwd))).toEqual([
      `${file}: apps.0.secret: is required; add it`,
      `${file}: pages.0.access_token: is required; add it`,
    ]);
    const password = { SWITCHBOARD_ADMIN_PASSWORD: 'a long password' };
    expect(problemsOf(() => loadConfig(password, dir()))).toEqual(['SWITCHBOARD_ADMIN_EMAIL: is required; export it']);
    // A value of the wrong type is still said as such.
    writeFileSync(file, 'pages:\n  - { id: "222", access_token: 12 }\n');
    expect(problemsOf(() => loadConfig({}, cwd))).toEqual([
      `${file}: pages.0.access_token: must be text; put it in quotes: YAML read it as a number`,
    ]);
  });

  it('names the variable a bad setting came from', () => {
    expect(problemsOf(() => loadConfig({ LOG_LEVEL: 'loud', SWITCHBOARD_ADMIN_EMAIL: 'nobody' }, dir()))).toEqual([
      expect.stringMatching(/^LOG_LEVEL: /),
      expect.stringMatching(/^SWITCHBOARD_ADMIN_EMAIL: /),
      expect.stringMatching(/^SWITCHBOARD_ADMIN_PASSWORD: /),
    ]);
  });

  it('trims the line break a secret file ends with from tokens and secrets, and refuses one inside them', () => {
    const env = {
      FB_APP_ID: '1517776481860111',
      FB_APP_SECRET: '0123456789abcdef0123456789abcdef\n',
      FB_VERIFY_TOKEN: 'verify me\n',
      FB_PAGE_ID: '104857392018475',
      FB_PAGE_ACCESS_TOKEN: 'EAAB-token\r\n',
    };
    const config = loadConfig(env, dir());
    expect(config.apps[0]).toMatchObject({ secret: '0123456789abcdef0123456789abcdef', verify_token: 'verify me' });
    expect(config.pages[0]?.access_token).toBe('EAAB-token');
    const problems = problemsOf(() =>
      loadConfig({ ...env, FB_APP_SECRET: '01234567 89abcdef', FB_PAGE_ACCESS_TOKEN: 'EAAB\n-token' }, dir()),
    );
    expect(problems).toEqual([
      'FB_APP_SECRET: holds a space, a line break or another character Facebook never puts in one',
      'FB_PAGE_ACCESS_TOKEN: holds a space, a line break or another character Facebook never puts in one',
    ]);
    expect(problems.join('\n')).not.toContain('EAAB');
    const admin = { SWITCHBOARD_ADMIN_EMAIL: 'ops@example.com\n', SWITCHBOARD_ADMIN_PASSWORD: ' a long password \r\n' };
    expect(loadConfig(admin, dir()).admin).toEqual({ email: 'ops@example.com', password: ' a long password ' });
  });

  it('names the file, the key and the problem for a bad value, without echoing secrets', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      'port: 99999\nlog_levle: info\npages:\n  - id: "abc"\n    access_token: EAA-secret\n    settings: { response_delay: slowly }\n',
    );
    const problems = problemsOf(() => loadConfig({}, cwd));
    expect(problems.join('\n')).toMatch(/switchboard\.yaml: port: .*65535/);
    expect(problems.join('\n')).toMatch(/log_levle.*remove or rename/);
    expect(problems.join('\n')).toMatch(/pages\.0\.id: must be a numeric Facebook id/);
    expect(problems.join('\n')).toMatch(/pages\.0\.settings\.response_delay/);
    expect(problems.join('\n')).not.toContain('EAA-secret');
  });

  it('keeps a ${VAR} as text where the file wants text, and makes it a number or a boolean where it wants one', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      [
        'port: ${PORT}',
        'admin:',
        '  email: admin@example.com',
        '  password: ${ADMIN_PASSWORD}',
        'apps:',
        '  - id: ${APP_ID}',
        '    secret: ${APP_SECRET}',
        '    verify_token: ${VERIFY_TOKEN}',
        'pages:',
        '  - id: ${PAGE_ID}',
        '    access_token: ${TOKEN}',
        '    assistant:',
        '      type: http',
        '      url: https://bot.example.com/turn',
        '      timeout_ms: ${BOT_TIMEOUT}',
        '    settings:',
        '      rate_limit_per_minute: ${RATE}',
        '      mark_seen: ${MARK_SEEN}',
        '',
      ].join('\n'),
    );
    const config = loadConfig(
      {
        PORT: '4000',
        ADMIN_PASSWORD: '12345678',
        APP_ID: '15177764818601119', // 17 digits: past what a number holds exactly
        APP_SECRET: '0123456789',
        VERIFY_TOKEN: '000123',
        PAGE_ID: '104857392018475',
        TOKEN: '98765432',
        BOT_TIMEOUT: '2500',
        RATE: '30',
        MARK_SEEN: 'false',
      },
      cwd,
    );
    expect(config.port).toBe(4000);
    expect(config.admin?.password).toBe('12345678');
    expect(config.apps).toEqual([{ id: '15177764818601119', secret: '0123456789', verify_token: '000123' }]);
    expect(config.pages[0]).toMatchObject({
      id: '104857392018475',
      app_id: '15177764818601119',
      access_token: '98765432',
      assistant: { type: 'http', timeout_ms: 2500 },
      settings: { rate_limit_per_minute: 30, mark_seen: false },
    });
  });

  it('says where the YAML is broken without quoting the line, which may hold a token', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'switchboard.yaml'), 'pages:\n  - id: "1"\n    access_token: EAA-secret: oops\n');
    const [problem] = problemsOf(() => loadConfig({}, cwd));
    expect(problem).toMatch(/switchboard\.yaml: not valid YAML at line 3, column 19/);
    expect(problem).not.toContain('EAA-secret');
  });

  it.each([
    [
      'an unknown tag, which the parser would read as empty',
      '!9f2c4e7a1b3d5f60',
      /line 3, column 13 \(TAG_RESOLVE_FAILED\)/,
    ],
    ['an alias with no anchor', '*9f2c4e7a1b3d5f60', /not valid YAML \(an alias, \*…, that names no anchor\?\)/],
    ['a block scalar header', '|9f2c4e7a1b3d5f60', /line 3, column 15 \(UNEXPECTED_TOKEN\)/],
  ])('refuses a secret written unquoted as %s, without quoting it or printing a warning', (_, secret, where) => {
    const cwd = dir();
    writeFileSync(join(cwd, 'switchboard.yaml'), `apps:\n  - id: "1"\n    secret: ${secret}\n    verify_token: x\n`);
    const warnings: unknown[] = [];
    const onWarning = (warning: unknown) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const problems = problemsOf(() => loadConfig({}, cwd));
      expect(problems).toEqual([expect.stringMatching(where)]);
      expect(problems[0]).toMatch(/between quotes/);
      expect(problems[0]).not.toContain('9f2c4e7a1b3d5f60');
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('names a ${VAR} the environment lacks', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      'apps:\n  - id: "1"\n    secret: ${MISSING_SECRET}\n    verify_token: x\n',
    );
    expect(problemsOf(() => loadConfig({}, cwd))[0]).toMatch(
      /\$\{MISSING_SECRET\} is not set in the environment; export MISSING_SECRET/,
    );
  });

  it('names a ${VAR} set empty as it names one unset, instead of taking an empty value', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    writeFileSync(file, 'apps:\n  - id: "1"\n    secret: ${APP_SECRET}\n    verify_token: x${SUFFIX}\n');
    const empty = (name: string) =>
      `\${${name}} is set but empty; export ${name} with its value, or write the value in the file`;
    expect(problemsOf(() => loadConfig({ APP_SECRET: '', SUFFIX: '' }, cwd))).toEqual([
      `${file}: apps.0.secret: ${empty('APP_SECRET')}`,
      `${file}: apps.0.verify_token: ${empty('SUFFIX')}`,
    ]);
    // A value meant to be empty is written so in the file.
    writeFileSync(
      file,
      'apps: [{id: "1", secret: app-secret-1, verify_token: vt}]\npages: [{id: "2", access_token: "${TOKEN}", name: ""}]\n',
    );
    expect(loadConfig({ TOKEN: 'EAA' }, cwd).pages[0]?.name).toBe('');
  });

  it('reports every problem at once: a variable unset hides no bad key elsewhere, a bad key no missing flow file', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    writeFileSync(
      file,
      [
        'port: abc',
        'apps:',
        '  - {id: "1", secret: "${MISSING_SECRET}", verify_token: vt}',
        'pages:',
        '  - {id: "2", app_id: "1", access_token: t, assistant: {type: flow, path: missing.yaml}}',
        '',
      ].join('\n'),
    );
    // The apps are left out, not reported again: page 2's app_id is not said to name no app.
    expect(problemsOf(() => loadConfig({ PORT: 'x' }, cwd))).toEqual([
      `${file}: apps.0.secret: \${MISSING_SECRET} is not set in the environment; export MISSING_SECRET`,
      expect.stringMatching(new RegExp(`^${file}: port: must be a port number`)),
      expect.stringMatching(/^PORT: must be a port number/),
      expect.stringMatching(/^pages\[0\]\.assistant: page 2: the flow file missing\.yaml does not exist/),
    ]);
  });

  it('keeps the sound parts of a configuration with problems, and says which keys are broken', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    writeFileSync(join(cwd, 'support.yaml'), 'name: support\n');
    writeFileSync(
      file,
      [
        'secret_keys: ["${MISSING_KEY}"]',
        'apps: [{id: "1", secret: app-secret-1, verify_token: vt}]',
        'pages: [{id: "2", access_token: t, assistant: support.yaml}]',
        'unknown_key: 1',
        '',
      ].join('\n'),
    );
    const { config, problems, broken } = inspectConfig({}, cwd);
    expect(problems).toEqual([
      `${file}: secret_keys.0: \${MISSING_KEY} is not set in the environment; export MISSING_KEY`,
      `${file}: (top level): Unrecognized key: "unknown_key"; remove or rename it`,
    ]);
    expect([...broken].sort()).toEqual(['secret_keys', 'unknown_key']);
    expect(config.secretKeys).toEqual([]);
    expect(config.pages).toMatchObject([{ id: '2', app_id: '1', assistant: { type: 'flow', path: 'support.yaml' } }]);
  });

  it('checks the other apps and pages beside a broken one, and says nothing more of the broken one', () => {
    const cwd = dir();
    const file = join(cwd, 'switchboard.yaml');
    const llm = '{type: llm, base_url: "https://api.example.com/v1", model: m, api_key_env: UNSET_KEY}';
    writeFileSync(
      file,
      [
        'apps:',
        '  - {id: "1", secret: short, verify_token: vt}',
        '  - {id: "4", secret: app-secret-4, verify_token: vt}',
        '  - {id: "4", secret: app-secret-5, verify_token: vt}',
        'pages:',
        '  - {id: "2", app_id: "9", access_token: t, bogus: 1}',
        '  - {id: "5", app_id: "9", access_token: "${UNSET_TOKEN}", assistant: missing.yaml}',
        '  - {id: "5", app_id: "4", access_token: u, assistant: missing.yaml}',
        `  - {id: "5", app_id: "4", access_token: v, assistant: ${llm}}`,
        '',
      ].join('\n'),
    );
    const { config, problems, broken } = inspectConfig({}, cwd);
    // The apps have a broken entry, whose id a page may name: the pages' app ids are not checked.
    expect(problems).toEqual([
      `${file}: pages.1.access_token: \${UNSET_TOKEN} is not set in the environment; export UNSET_TOKEN`,
      `${file}: apps.0.secret: looks too short for an app secret`,
      `${file}: pages.0: Unrecognized key: "bogus"; remove or rename it`,
      'apps[2].id: app 4 is already configured at apps[1].id; keep one entry',
      'pages[3].id: page 5 is already configured at pages[2].id; keep one entry',
      expect.stringMatching(/^pages\[2\]\.assistant: page 5: the flow file missing\.yaml does not exist/),
      'pages[3].assistant.api_key_env: UNSET_KEY is not set in the environment',
    ]);
    expect([...broken].sort()).toEqual(['apps', 'pages']);
    expect(config.apps.map((app) => app.id)).toEqual(['4', '4']);
    expect(config.pages.map((page) => page.access_token)).toEqual(['u', 'v']);
    // With the apps sound, the other pages' app ids are checked, each named by its place in the file.
    writeFileSync(
      file,
      [
        'apps: [{id: "1", secret: app-secret-1, verify_token: vt}]',
        'pages:',
        '  - {id: "2", app_id: "9", access_token: t, bogus: 1}',
        '  - {id: "3", app_id: "9", access_token: u}',
        '',
      ].join('\n'),
    );
    expect(inspectConfig({ FB_PAGE_ID: '3', FB_PAGE_ACCESS_TOKEN: 'w' }, cwd).problems).toEqual([
      `${file}: pages.0: Unrecognized key: "bogus"; remove or rename it`,
      'FB_PAGE_ID: page 3 is already configured at pages[1].id; keep one entry',
      'pages[1].app_id: no app with id 9 is configured',
    ]);
  });

  it('refuses a ${...} other than ${NAME} instead of keeping it as the value', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      'apps:\n  - id: "1"\n    secret: ${FB_APP_SECRET:-}\n    verify_token: ${my-token}\n',
    );
    const only =
      'only ${NAME} references are supported (letters, digits and _, no default like ${NAME:-x}); ' +
      'a value holding ${ itself goes in a variable, written ${NAME} here';
    expect(problemsOf(() => loadConfig({ FB_APP_SECRET: 'app-secret-1' }, cwd))).toEqual([
      `${join(cwd, 'switchboard.yaml')}: apps.0.secret: ${only}`,
      `${join(cwd, 'switchboard.yaml')}: apps.0.verify_token: ${only}`,
    ]);
    // A variable's value may hold `${` itself.
    writeFileSync(join(cwd, 'switchboard.yaml'), 'apps:\n  - {id: "1", secret: "${SECRET}", verify_token: vt}\n');
    expect(loadConfig({ SECRET: 'pa${ss}word' }, cwd).apps[0]?.secret).toBe('pa${ss}word');
  });

  it('refuses a database URL the gateway could not open, naming the key and the fix, never the URL', () => {
    const password = 'pa/ss#word';
    expect(problemsOf(() => loadConfig({ DATABASE_URL: `postgres://sb:${password}@db.example/sb` }, dir()))).toEqual([
      expect.stringMatching(/^DATABASE_URL: .*percent-encode/),
    ]);
    expect(problemsOf(() => loadConfig({ DATABASE_URL: 'sqlite://data/x.db' }, dir()))).toEqual([
      expect.stringMatching(/^DATABASE_URL: .*write sqlite:\.\/data\/switchboard\.db or sqlite:\/absolute\/path\.db/),
    ]);
    expect(problemsOf(() => loadConfig({ DATABASE_URL: 'mysql://db/x' }, dir()))).toEqual([
      expect.stringMatching(/^DATABASE_URL: must be sqlite:<path>/),
    ]);
    const cwd = dir();
    writeFileSync(join(cwd, 'switchboard.yaml'), `database_url: postgres://sb:\${DB_PASSWORD}@db.example/sb\n`);
    const [problem] = problemsOf(() => loadConfig({ DB_PASSWORD: password }, cwd));
    expect(problem).toMatch(/switchboard\.yaml: database_url: .*percent-encode/);
    expect(problem).not.toContain('pa/ss');
    writeFileSync(join(cwd, 'switchboard.yaml'), 'database_url: "sqlite:"\n');
    expect(problemsOf(() => loadConfig({}, cwd))).toEqual([expect.stringMatching(/database_url: needs a file path/)]);
    expect(loadConfig({ DB_PASSWORD: encodeURIComponent(password) }, dir()).databaseUrl).toBe(
      'sqlite:./data/switchboard.db',
    );
  });

  it('refuses a flow file that does not exist, naming the page and the key', () => {
    const env = {
      FB_APP_ID: '111',
      FB_APP_SECRET: 'app-secret-1',
      FB_VERIFY_TOKEN: 'vt',
      FB_PAGE_ID: '222',
      FB_PAGE_ACCESS_TOKEN: 'EAA',
    };
    const cwd = dir();
    expect(problemsOf(() => loadConfig({ ...env, SWITCHBOARD_ASSISTANT: 'assistants/missing.yaml' }, cwd))).toEqual([
      `SWITCHBOARD_ASSISTANT: page 222: the flow file assistants/missing.yaml does not exist (relative paths are read from ${cwd}); fix the path`,
    ]);
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      'pages:\n  - {id: "333", access_token: t, assistant: {type: flow, path: /nowhere/flow.yaml}}\n  - {id: "444", access_token: t, assistant: .}\n',
    );
    expect(problemsOf(() => loadConfig(env, cwd))).toEqual([
      'pages[0].assistant: page 333: the flow file /nowhere/flow.yaml does not exist; fix the path',
      `pages[1].assistant: page 444: the flow file . is not a file (relative paths are read from ${cwd}); fix the path`,
    ]);
    const withFlow = dir();
    writeFileSync(join(withFlow, 'flow.yaml'), 'name: x\n');
    expect(loadConfig({ ...env, SWITCHBOARD_ASSISTANT: 'flow.yaml' }, withFlow).pages[0]?.assistant).toEqual({
      type: 'flow',
      path: 'flow.yaml',
    });
  });

  it('gives pages connected with Facebook Login the file’s connected_pages, or SWITCHBOARD_ASSISTANT', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'flow.yaml'), 'name: x\n');
    expect(loadConfig({}, cwd).connectedPages).toEqual({ settings: {} });
    expect(loadConfig({ SWITCHBOARD_ASSISTANT: 'flow.yaml' }, cwd).connectedPages).toEqual({
      settings: {},
      assistant: { type: 'flow', path: 'flow.yaml' },
    });
    expect(problemsOf(() => loadConfig({ SWITCHBOARD_ASSISTANT: 'missing.yaml' }, cwd))).toEqual([
      `SWITCHBOARD_ASSISTANT: the flow file missing.yaml does not exist (relative paths are read from ${cwd}); fix the path`,
    ]);
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      'connected_pages:\n  assistant: https://bot.example.com/turn\n  settings: {typing_indicators: false}\n  messenger_profile: {greeting: Hello}\n',
    );
    expect(loadConfig({ SWITCHBOARD_ASSISTANT: 'flow.yaml' }, cwd).connectedPages).toMatchObject({
      assistant: { type: 'http', url: 'https://bot.example.com/turn' },
      settings: { typing_indicators: false },
      messenger_profile: { greeting: 'Hello' },
    });
    writeFileSync(join(cwd, 'switchboard.yaml'), 'connected_pages:\n  access_token: t\n');
    expect(problemsOf(() => loadConfig({}, cwd)).join('\n')).toMatch(/connected_pages.*access_token/);
  });

  it('refuses a bad secret key, a trailing comma’s empty one too, without printing the keys', () => {
    const key = randomBytes(32).toString('base64');
    for (const [value, problem] of [
      [`${key},`, /^SWITCHBOARD_SECRET_KEY: key 2 of 2 is empty/],
      [`${key}, ${key.slice(0, 20)}`, /^SWITCHBOARD_SECRET_KEY: key 2 of 2 is 15 bytes, not 32/],
      ['not a key!', /^SWITCHBOARD_SECRET_KEY: key 1 of 1 is not base64/],
    ] as const) {
      const problems = problemsOf(() => loadConfig({ SWITCHBOARD_SECRET_KEY: value }, dir()));
      expect(problems).toEqual([expect.stringMatching(problem)]);
      expect(problems.join()).not.toContain(key.slice(0, 8));
    }
    expect(loadConfig({ SWITCHBOARD_SECRET_KEY: ` ${key} ` }, dir()).secretKeys).toEqual([key]);
    // The file's list too: a key read from a secret file ends with a line break.
    const cwd = dir();
    writeFileSync(join(cwd, 'switchboard.yaml'), 'secret_keys: ["${NEW_KEY}", "${OLD_KEY}"]\n');
    expect(loadConfig({ NEW_KEY: `${key}\n`, OLD_KEY: ` ${key}\r\n` }, cwd).secretKeys).toEqual([key, key]);
  });

  it('reads the database URL alone for migrate and replay, needing none of the file’s tokens', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      'database_url: postgres://sb:${DB_PASSWORD}@db.example/sb\napps:\n  - id: "1"\n    secret: ${APP_SECRET}\n    verify_token: vt\n',
    );
    const file = join(cwd, 'switchboard.yaml');
    expect(loadDatabaseUrl({ DB_PASSWORD: 'pw' }, cwd)).toEqual({
      url: 'postgres://sb:pw@db.example/sb',
      setting: `${file}: database_url`,
    });
    expect(() => loadConfig({ DB_PASSWORD: 'pw' }, cwd)).toThrow(/APP_SECRET/);
    expect(loadDatabaseUrl({ DATABASE_URL: 'sqlite:./x.db' }, cwd)).toEqual({
      url: 'sqlite:./x.db',
      setting: 'DATABASE_URL',
    });
    expect(loadDatabaseUrl({}, dir())).toEqual({ url: 'sqlite:./data/switchboard.db', setting: 'DATABASE_URL' });
    expect(problemsOf(() => loadDatabaseUrl({}, cwd))).toEqual([expect.stringMatching(/DB_PASSWORD.*export/)]);
    expect(problemsOf(() => loadDatabaseUrl({ DATABASE_URL: 'sqlite:' }, cwd))).toEqual([
      expect.stringMatching(/^DATABASE_URL: needs a file path/),
    ]);
  });

  it('asks for app_id when several apps are configured', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      'apps:\n  - {id: "1", secret: secret-one, verify_token: a}\n  - {id: "2", secret: secret-two, verify_token: b}\npages:\n  - {id: "3", access_token: t}\n',
    );
    expect(problemsOf(() => loadConfig({}, cwd))).toEqual([
      'pages[0].app_id: page 3 needs app_id when 2 apps are configured',
    ]);
  });

  it('refuses a page or an app configured twice, which would silently go to the last entry', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'switchboard.yaml'),
      [
        'apps:',
        '  - {id: "1", secret: secret-one, verify_token: a}',
        '  - {id: "2", secret: secret-two, verify_token: b}',
        'pages:',
        '  - {id: "3", app_id: "1", access_token: t}',
        '  - {id: "3", app_id: "2", access_token: u}',
        '',
      ].join('\n'),
    );
    expect(problemsOf(() => loadConfig({}, cwd))).toEqual([
      'pages[1].id: page 3 is already configured at pages[0].id; keep one entry',
    ]);
    const env = { FB_APP_ID: '1', FB_APP_SECRET: 'secret-secret', FB_VERIFY_TOKEN: 'v' };
    expect(problemsOf(() => loadConfig({ ...env, FB_PAGE_ID: '3', FB_PAGE_ACCESS_TOKEN: 'w' }, cwd))).toEqual([
      'FB_APP_ID: app 1 is already configured at apps[0].id; keep one entry',
      'pages[1].id: page 3 is already configured at pages[0].id; keep one entry',
      'FB_PAGE_ID: page 3 is already configured at pages[0].id; keep one entry',
    ]);
  });

  it('loads the example configuration shipped with the project', () => {
    const env = {
      POSTGRES_PASSWORD: 'p',
      SWITCHBOARD_ADMIN_PASSWORD: 'long enough',
      FB_APP_SECRET: 'secret-secret',
      FB_VERIFY_TOKEN: 'vt',
      SHOP_EN_PAGE_TOKEN: 'a',
      SHOP_FR_PAGE_TOKEN: 'b',
      CONCIERGE_PAGE_TOKEN: 'c',
      OPENAI_API_KEY: 'sk-test',
    };
    const config = loadConfig({ ...env, SWITCHBOARD_CONFIG: 'switchboard.example.yaml' }, process.cwd());
    expect(config.pages.map((p) => p.assistant?.type)).toEqual(['flow', 'flow', 'llm']);
    expect(config.pages[2]?.assistant).toMatchObject({ max_tokens: 400 });
    // A model's key named but not set would fail every turn of that page: refused at start instead.
    const { OPENAI_API_KEY: _key, ...withoutKey } = env;
    expect(() => loadConfig({ ...withoutKey, SWITCHBOARD_CONFIG: 'switchboard.example.yaml' }, process.cwd())).toThrow(
      /pages\[2\]\.assistant\.api_key_env: OPENAI_API_KEY is not set/,
    );
  });
});
