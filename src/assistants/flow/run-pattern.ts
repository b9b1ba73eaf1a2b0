import { createContext, Script } from 'node:vm';

/** Longest text a flow's pattern runs on: a longer one never matches. Messenger's own limit for a message we send. */
export const PATTERN_TEXT_LIMIT = 2000;

/**
 * Time one run of a flow's pattern may take, in wall time. Ordinary patterns take microseconds on texts within
 * PATTERN_TEXT_LIMIT (a quadratic one, like an unanchored e-mail pattern, about 3 ms at worst); one that backtracks
 * catastrophically takes minutes on 30 characters. Generous, since a busy machine or a garbage collection can hold the
 * thread a few tens of milliseconds: a pattern stopped here is surely a bad one.
 */
export const PATTERN_TIME_LIMIT_MS = 100;

/** A flow's pattern ran over PATTERN_TIME_LIMIT_MS and was stopped: it backtracks catastrophically on such texts. */
export class PatternTimeoutError extends Error {
  override readonly name = 'PatternTimeoutError';
  readonly code = 'SB_FLOW_PATTERN_TIMEOUT';
  readonly pattern: string;

  constructor(pattern: string, length: number) {
    super(
      `the pattern '${pattern}' ran over ${PATTERN_TIME_LIMIT_MS} ms on a ${length}-character text and was stopped`,
    );
    this.pattern = pattern;
  }
}

const compiled = new Map<string, RegExp>();
// JavaScript has no timeout for a regular expression, but a vm script has one, and V8 stops a regular expression
// running inside it (https://nodejs.org/api/vm.html#scriptrunincontextcontextifiedobject-options).
const sandbox = createContext(Object.create(null) as Record<string, unknown>);
const execInSandbox = new Script('pattern.exec(text)');

/**
 * Runs a flow's pattern (case-insensitive, Unicode) on a person's text, as `RegExp.exec` does. One thread answers every
 * conversation, so a pattern that backtracks catastrophically ('(a+)+$' on 30 a's and a "!") must not run unbounded: a
 * text over PATTERN_TEXT_LIMIT characters does not match, and a run over PATTERN_TIME_LIMIT_MS throws
 * `PatternTimeoutError`. The pattern was checked to compile when the file was loaded.
 */
export function runPattern(pattern: string, text: string): RegExpExecArray | null {
  if (text.length > PATTERN_TEXT_LIMIT) return null;
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern, 'iu');
    // V8 compiles a regular expression when it first runs, and again to machine code on the next run: done here, on
    // the empty text (quick for any pattern), so that it does not count against the time limit.
    regex.exec('');
    regex.exec('');
    compiled.set(pattern, regex);
  }
  sandbox.pattern = regex;
  sandbox.text = text;
  try {
    return execInSandbox.runInContext(sandbox, { timeout: PATTERN_TIME_LIMIT_MS }) as RegExpExecArray | null;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
      throw new PatternTimeoutError(pattern, text.length);
    throw error;
  } finally {
    sandbox.pattern = undefined;
    sandbox.text = undefined;
  }
}
