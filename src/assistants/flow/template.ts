import type { ContactProfile } from '../assistant.ts';
import type { Scalar } from './flow-types.ts';

/** What templates and conditions can read during a turn. */
export interface TemplateScope {
  profile: ContactProfile;
  /** Context variables (`ask`, `options` with a variable, `set`). */
  vars: Record<string, Scalar>;
  /** The person's text this turn, trimmed (a tapped choice's label, an attachment's caption), else "". */
  input: string;
  /** The first attachment of this turn, if any. */
  attachment?: { type: string; url?: string };
  /** The file's language: how conditions read the numbers people type ("1,5" is 1.5 in French). Default "en". */
  language?: string;
}

/**
 * Reads a dotted name: `profile.first_name`, `input`, `attachment.type`, or a context variable (`order_number`).
 * Unknown names give undefined.
 */
export function lookup(scope: TemplateScope, name: string): unknown {
  const [root, ...rest] = name.split('.');
  let value: unknown =
    root === 'profile'
      ? scope.profile
      : root === 'input'
        ? scope.input
        : root === 'attachment'
          ? scope.attachment
          : Object.hasOwn(scope.vars, root ?? '')
            ? scope.vars[root!]
            : undefined;
  for (const key of rest) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const PLACEHOLDER = /\{\{\s*([^{}|]*?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g;

/**
 * Fills `{{name}}` placeholders from the scope. `{{name | default text}}` gives the default when the value
 * is missing or empty; unknown names without a default render as nothing, never as raw braces.
 */
export function renderTemplate(template: string, scope: TemplateScope): string {
  if (!template.includes('{{')) return template;
  return template.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
    const value = lookup(scope, name);
    const text =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
    return text === '' ? (fallback ?? '') : text;
  });
}
