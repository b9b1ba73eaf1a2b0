import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { suggestKey } from '../assistants/flow/zod-issues.ts';
import { ConfigError } from './config-error.ts';
import { type FileConfig, fileConfigSchema } from './config-schema.ts';
import { knownKeysAt } from './known-keys.ts';

export type Env = Record<string, string | undefined>;

/** The YAML file to read: SWITCHBOARD_CONFIG, else `switchboard.yaml` when present, else none. */
export function configPathOf(env: Env, cwd: string): string | undefined {
  // Empty means unset, as for every variable: `SWITCHBOARD_CONFIG=` copied from .env.example still reads the file.
  return env.SWITCHBOARD_CONFIG || (existsSync(resolve(cwd, 'switchboard.yaml')) ? 'switchboard.yaml' : undefined);
}

/**
 * Reads, substitutes and validates the YAML file; throws ConfigError naming every bad key. With `only`, just those
 * top-level keys: the rest is neither substituted nor checked.
 */
export function readConfigFile(path: string, env: Env, only?: readonly (keyof FileConfig)[]): FileConfig {
  const { file, problems } = inspectConfigFile(path, env, only);
  if (problems.length) throw new ConfigError(problems);
  return file;
}

/** What `inspectConfigFile` found. */
export interface FileInspection {
  /** The file without its broken keys. */
  file: FileConfig;
  /** Every problem found, naming the file and the key. */
  problems: string[];
  /** The top-level keys left out of `file` for a problem, so that what is checked after them says nothing more. */
  broken: Set<string>;
}

/**
 * As `readConfigFile`, but a problem leaves out only its top-level key (a `${NAME}` unset, a bad value, an unknown
 * key): the rest is returned, so that checks that need no broken part still run, and report theirs with these. A file
 * that is missing or not YAML still throws: there is nothing to read.
 */
export function inspectConfigFile(path: string, env: Env, only?: readonly (keyof FileConfig)[]): FileInspection {
  if (!existsSync(path))
    throw new ConfigError([`SWITCHBOARD_CONFIG: ${path} does not exist; fix the path or unset it`]);
  if (!statSync(path).isFile())
    throw new ConfigError([`SWITCHBOARD_CONFIG: ${path} is not a file; name the YAML file itself`]);
  let raw = parseQuietly(readFileSync(path, 'utf8'), path);
  if (only && isMapping(raw))
    raw = Object.fromEntries(Object.entries(raw).filter(([key]) => (only as readonly string[]).includes(key)));
  const problems: string[] = [];
  const broken = new Set<string>();
  const references = new Set<string>();
  const substituted = substituteEnv(raw, env, references, (at, problem) => {
    problems.push(`${path}: ${at.join('.') || '(top level)'}: ${problem}`);
    broken.add(String(at[0] ?? ''));
  });
  // A key whose value could not be substituted is not validated: its problems would be those of the text left.
  const input = withoutKeys(substituted, broken);
  let parsed = fileConfigSchema.safeParse(input);
  if (!parsed.success && typeReferences(input, parsed.error.issues, references))
    parsed = fileConfigSchema.safeParse(input);
  if (parsed.success) return { file: parsed.data, problems, broken };
  problems.push(...describeIssues(parsed.error, path, { input }));
  return { file: soundPart(input, parsed.error, broken), problems, broken };
}

/**
 * What of `input` passes once the top-level keys `error` found a problem in are left out, those keys added to
 * `broken`. Each top-level key is checked on its own, so the rest passes; what is no mapping has nothing to keep.
 */
export function soundPart(input: unknown, error: z.ZodError, broken: Set<string>): FileConfig {
  const failed = new Set<string>();
  for (const issue of error.issues) {
    if (issue.path.length > 0) failed.add(String(issue.path[0]));
    else if (issue.code === 'unrecognized_keys') for (const key of issue.keys) failed.add(key);
  }
  for (const key of failed) broken.add(key);
  const rest = fileConfigSchema.safeParse(withoutKeys(input, failed));
  return rest.success ? rest.data : {};
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A parsed file without the given top-level keys (a copy; anything but a mapping as it is). */
function withoutKeys(value: unknown, keys: ReadonlySet<string>): unknown {
  if (!isMapping(value) || keys.size === 0) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.has(key)));
}

/**
 * The file's YAML, or a ConfigError that says where it is broken and never what is there: the parser's messages and
 * warnings quote the offending text, which may be a token written in the file. A warning is refused too: an unknown
 * tag (a secret starting with `!`) would be read as an empty value.
 */
function parseQuietly(text: string, path: string): unknown {
  const document = parseDocument(text, { logLevel: 'silent' });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) {
    const at = problem.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : '';
    throw new ConfigError([`${path}: not valid YAML${where} (${problem.code}); ${QUOTE_HINT}`]);
  }
  try {
    return document.toJS() ?? {};
  } catch {
    // Such as an alias (`*name`) with no anchor: the message would quote the name.
    throw new ConfigError([`${path}: not valid YAML (an alias, *…, that names no anchor?); ${QUOTE_HINT}`]);
  }
}

const QUOTE_HINT = 'put values that start with ! * & | > % @ or ` between quotes';

/** Where a value is in the parsed file, as zod reports it: keys, and indexes in lists. */
type Path = PropertyKey[];

const REFERENCE = /\$\{([A-Za-z0-9_]+)\}/g;

/**
 * Replaces `${NAME}` in string values (never in keys or comments, and never re-parsed as YAML); a variable unset or
 * empty is a problem, whatever the key: a value meant to be empty is written `""` in the file. The result is text;
 * `references` gets the path (joined with dots) of each value that is one reference and nothing else (see
 * `typeReferences`). Any other `${` (`${NAME:-default}`, `${my-token}`) is a problem: left as text it would pass for
 * a value, an 18-character app secret say.
 */
function substituteEnv(
  value: unknown,
  env: Env,
  references: Set<string>,
  problem: (path: Path, message: string) => void,
  path: Path = [],
): unknown {
  if (typeof value === 'string') {
    if (/^\$\{[A-Za-z0-9_]+\}$/.test(value)) references.add(path.join('.'));
    // Checked in the file's text, not after substitution: a variable's value may hold `${` (a password, say).
    if (value.replace(REFERENCE, '').includes('${'))
      problem(
        path,
        `only \${NAME} references are supported (letters, digits and _, no default like \${NAME:-x}); ` +
          `a value holding \${ itself goes in a variable, written \${NAME} here`,
      );
    return value.replace(REFERENCE, (_, name: string) => {
      // Empty counts as unset, as for every variable: an env-file's `NAME=` left blank would be an empty secret.
      if (env[name] === undefined) problem(path, `\${${name}} is not set in the environment; export ${name}`);
      else if (env[name] === '')
        problem(path, `\${${name}} is set but empty; export ${name} with its value, or write the value in the file`);
      return env[name] ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, references, problem, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, references, problem, [...path, k])]),
    );
  }
  return value;
}

/**
 * A value that is only `${NAME}` stays text where the file wants text (an id, a token or a password may be all
 * digits, and a 17-digit id is not a safe number), and becomes a number or a boolean where the schema rejected text
 * for one, so `timeout_ms: ${TIMEOUT}` works. Returns whether it changed anything, to validate again.
 */
function typeReferences(
  config: unknown,
  issues: readonly z.core.$ZodIssue[],
  references: Set<string>,
  base: Path = [],
): boolean {
  let changed = false;
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union') {
      for (const branch of issue.errors) changed = typeReferences(config, branch, references, path) || changed;
      continue;
    }
    if (issue.code !== 'invalid_type' || !references.has(path.join('.'))) continue;
    const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown>)?.[k], config);
    const key = path.at(-1) as PropertyKey;
    const text = (parent as Record<PropertyKey, unknown>)[key];
    let typed: number | boolean | undefined;
    if (issue.expected === 'number' && typeof text === 'string' && /^-?\d+(\.\d+)?$/.test(text)) typed = Number(text);
    if (issue.expected === 'boolean' && (text === 'true' || text === 'false')) typed = text === 'true';
    if (typed === undefined) continue;
    (parent as Record<PropertyKey, unknown>)[key] = typed;
    changed = true;
  }
  return changed;
}

/**
 * Turns zod issues into "where: what is wrong" lines, or "VARIABLE: what is wrong" for a key in `variables`; an unknown
 * key gets a line of its own, with the likely key meant, and a key left out is said to be required, when `input` (what
 * was validated) is given. Values are never echoed: they may be secrets.
 */
export function describeIssues(
  error: z.ZodError,
  where: string,
  options: { variables?: Record<string, string>; input?: unknown } = {},
): string[] {
  const variables = options.variables ?? {};
  return error.issues.flatMap((issue) => {
    const key = issue.path.length ? issue.path.join('.') : '(top level)';
    const variable = variables[key] ?? variables[String(issue.path[0])];
    const at = variable ?? `${where}: ${key}`;
    // zod says "expected string, received undefined", which reads as a value of the wrong type.
    if (
      issue.code === 'invalid_type' &&
      options.input !== undefined &&
      valueAt(options.input, issue.path) === undefined
    )
      return [`${at}: is required; ${variable ? 'export it' : 'add it'}`];
    if (issue.code !== 'unrecognized_keys') return [`${at}: ${issue.message}`];
    const known = options.input === undefined ? [] : knownKeysAt(fileConfigSchema, issue.path, options.input);
    return issue.keys.map((k) => `${at}: Unrecognized key: "${k}"${suggestKey(k, known)}; remove or rename it`);
  });
}

/** The value at `path` of a parsed file, or undefined where there is none. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    input,
  );
}
