import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { suggestKey } from '../assistants/flow/zod-issues.ts';
import { ConfigError } from './config-error.ts';
import { type FileConfig, fileConfigSchema } from './config-schema.ts';
import { withFix } from './fixes.ts';
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
  /** The file without its broken keys, and without the broken entries of `apps` and `pages`. */
  file: FileConfig;
  /** Every problem found, naming the file and the key. */
  problems: string[];
  /**
   * The top-level keys left out of `file`, or with an entry left out, for a problem, so that what is checked after them
   * says nothing more.
   */
  broken: Set<string>;
  /** Where entries of `apps` or `pages` were left out: the file's index of each entry kept, in order. */
  kept: KeptEntries;
}

/** The lists whose entries stand alone: a problem in one leaves that entry out, and the others are still checked. */
const ENTRY_LISTS = ['apps', 'pages'] as const;
type EntryList = (typeof ENTRY_LISTS)[number];

/** See `FileInspection.kept`. */
export type KeptEntries = Partial<Record<EntryList, number[]>>;

/**
 * As `readConfigFile`, but a problem leaves out only its top-level key, or its entry of `apps` or `pages` (a `${NAME}`
 * unset, a bad value, an unknown key): the rest is returned, so that checks that need no broken part still run, and
 * report theirs with these. A file that is missing or not YAML still throws: there is nothing to read.
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
  const unsubstituted = nothingLeftOut();
  const references = new Set<string>();
  const substituted = substituteEnv(raw, env, references, (at, problem) => {
    problems.push(`${path}: ${at.join('.') || '(top level)'}: ${problem}`);
    leaveOut(unsubstituted, at);
  });
  // What could not be substituted is not validated: its problems would be those of the text left. A key is left out;
  // an entry stays, so that the others keep their indexes, and its issues are dropped.
  const input = withoutLeftOut(substituted, { ...nothingLeftOut(), keys: unsubstituted.keys }).value;
  let parsed = fileConfigSchema.safeParse(input, { error: withFix });
  if (!parsed.success && typeReferences(input, parsed.error.issues, references))
    parsed = fileConfigSchema.safeParse(input, { error: withFix });
  if (parsed.success && problems.length === 0) return { file: parsed.data, problems, broken: new Set(), kept: {} };
  const issues = (parsed.error?.issues ?? []).filter((issue) => !isLeftOut(unsubstituted, issue.path));
  problems.push(...describeIssues(issues, path, { input }));
  return { ...soundPart(input, issues, unsubstituted), problems };
}

/** What problems leave out of a file: top-level keys, and entries of `apps` and `pages` by index. */
interface LeftOut {
  keys: Set<string>;
  entries: Record<EntryList, Set<number>>;
}

const nothingLeftOut = (): LeftOut => ({ keys: new Set(), entries: { apps: new Set(), pages: new Set() } });

/** The entry of `apps` or `pages` that `path` is in, if it is in one. */
function entryAt(path: readonly PropertyKey[]): { list: EntryList; index: number } | undefined {
  const [key, index] = path;
  const list = ENTRY_LISTS.find((name) => name === key);
  return list && typeof index === 'number' ? { list, index } : undefined;
}

/** Leaves out what a problem at `path` is in: its entry of `apps` or `pages`, else its top-level key. */
function leaveOut(out: LeftOut, path: readonly PropertyKey[]): void {
  const entry = entryAt(path);
  if (entry) out.entries[entry.list].add(entry.index);
  else out.keys.add(String(path[0] ?? ''));
}

function isLeftOut(out: LeftOut, path: readonly PropertyKey[]): boolean {
  const entry = entryAt(path);
  return out.keys.has(String(path[0] ?? '')) || (entry !== undefined && out.entries[entry.list].has(entry.index));
}

/**
 * What of `input` passes once what `issues` found a problem in (a top-level key, an entry of `apps` or `pages`), and
 * what is `out` already, are left out; the keys of what is left out are `broken`. Each top-level key and each entry is
 * checked on its own, so the rest passes; what is no mapping has nothing to keep.
 */
export function soundPart(
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
  out: LeftOut = nothingLeftOut(),
): Omit<FileInspection, 'problems'> {
  for (const issue of issues) {
    if (issue.path.length > 0) leaveOut(out, issue.path);
    else if (issue.code === 'unrecognized_keys') for (const key of issue.keys) out.keys.add(key);
  }
  const broken = new Set([...out.keys, ...ENTRY_LISTS.filter((list) => out.entries[list].size > 0)]);
  const { value, kept } = withoutLeftOut(input, out);
  const rest = fileConfigSchema.safeParse(value);
  return { file: rest.success ? rest.data : {}, broken, kept };
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A parsed file without what is left out (a copy; anything but a mapping as it is), and the file's index of each entry
 * kept in a list that lost one.
 */
function withoutLeftOut(value: unknown, out: LeftOut): { value: unknown; kept: KeptEntries } {
  const kept: KeptEntries = {};
  if (!isMapping(value)) return { value, kept };
  const copy = Object.fromEntries(Object.entries(value).filter(([key]) => !out.keys.has(key)));
  for (const list of ENTRY_LISTS) {
    const entries = copy[list];
    if (!Array.isArray(entries) || out.entries[list].size === 0) continue;
    kept[list] = entries.flatMap((_, i) => (out.entries[list].has(i) ? [] : [i]));
    copy[list] = entries.filter((_, i) => !out.entries[list].has(i));
  }
  return { value: copy, kept };
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
  issues: readonly z.core.$ZodIssue[],
  where: string,
  options: { variables?: Record<string, string>; input?: unknown } = {},
): string[] {
  const variables = options.variables ?? {};
  return issues.flatMap((issue) => {
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
