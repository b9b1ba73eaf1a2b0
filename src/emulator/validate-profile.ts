import { type GraphError, invalidParam } from './graph-errors.ts';
import { isRecord } from './graph-params.ts';
import type { MessengerProfile } from './state-types.ts';
import { characters, isHttpUrl, maxLength, required, tooMany } from './validate-rules.ts';

export const PROFILE_FIELDS = [
  'get_started',
  'greeting',
  'persistent_menu',
  'ice_breakers',
  'whitelisted_domains',
  'account_linking_url',
  'commands',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export function isProfileField(name: string): name is ProfileField {
  return (PROFILE_FIELDS as readonly string[]).includes(name);
}

type Rule = (value: unknown) => GraphError | undefined;

/**
 * Messenger Profile rules (messenger-platform.md §5). Returns the properties to store, or the error.
 * `persistent_menu` needs a get_started, set before or in the same call.
 */
export function validateProfileUpdate(
  update: Record<string, unknown>,
  current: MessengerProfile,
): Partial<MessengerProfile> | GraphError {
  const keys = Object.keys(update);
  if (keys.length === 0) return invalidParam('You must specify at least one Messenger profile property to set');
  const rules: Record<ProfileField, Rule> = {
    get_started: validateGetStarted,
    greeting: validateGreeting,
    persistent_menu: validatePersistentMenu,
    ice_breakers: validateIceBreakers,
    whitelisted_domains: validateWhitelistedDomains,
    account_linking_url: (value) =>
      isHttpUrl(value) && value.startsWith('https:')
        ? undefined
        : invalidParam('param account_linking_url must be an https URL'),
    commands: (value) => (Array.isArray(value) ? undefined : invalidParam('param commands must be an array')),
  };
  for (const key of keys) {
    if (!isProfileField(key)) return invalidParam(`param ${key} is not a valid Messenger profile property`);
    const error = rules[key](update[key]);
    if (error) return error;
  }
  if (update.persistent_menu !== undefined && update.get_started === undefined && current.get_started === undefined) {
    return invalidParam('You must set a Get Started button if you also wish to use persistent menu.');
  }
  return update as Partial<MessengerProfile>;
}

function validateGetStarted(value: unknown): GraphError | undefined {
  if (!isRecord(value) || typeof value.payload !== 'string' || value.payload.length === 0)
    return required('get_started[payload]');
  return characters(value.payload) > 1000 ? maxLength('get_started[payload]', 1000) : undefined;
}

function requireDefaultLocale(items: Record<string, unknown>[], field: string): GraphError | undefined {
  return items.some((item) => item.locale === 'default')
    ? undefined
    : invalidParam(`param ${field} must include an entry with locale "default"`);
}

function recordArray(value: unknown, field: string): Record<string, unknown>[] | GraphError {
  if (!Array.isArray(value) || value.length === 0) return required(field);
  if (!value.every(isRecord)) return invalidParam(`param ${field} must be an array of objects`);
  return value;
}

function validateGreeting(value: unknown): GraphError | undefined {
  const items = recordArray(value, 'greeting');
  if (!Array.isArray(items)) return items;
  for (const [index, item] of items.entries()) {
    if (typeof item.locale !== 'string') return required(`greeting[${index}][locale]`);
    if (typeof item.text !== 'string' || item.text.length === 0) return required(`greeting[${index}][text]`);
    if (characters(item.text) > 160) return maxLength(`greeting[${index}][text]`, 160);
  }
  return requireDefaultLocale(items, 'greeting');
}

/** Flat menu of ≤ 20 postback/web_url items since v8 (nested menus removed); title ≤ 30 (unconfirmed, §5). */
function validatePersistentMenu(value: unknown): GraphError | undefined {
  const menus = recordArray(value, 'persistent_menu');
  if (!Array.isArray(menus)) return menus;
  for (const [index, menu] of menus.entries()) {
    const at = `persistent_menu[${index}]`;
    if (typeof menu.locale !== 'string') return required(`${at}[locale]`);
    const actions = menu.call_to_actions;
    if (actions === undefined && menu.composer_input_disabled === true) continue;
    if (!Array.isArray(actions) || actions.length === 0) return required(`${at}[call_to_actions]`);
    if (actions.length > 20) return tooMany(`${at}[call_to_actions]`, 20);
    for (const [position, action] of actions.entries()) {
      const error = validateMenuItem(action, `${at}[call_to_actions][${position}]`);
      if (error) return error;
    }
  }
  return requireDefaultLocale(menus, 'persistent_menu');
}

function validateMenuItem(item: unknown, at: string): GraphError | undefined {
  if (!isRecord(item)) return invalidParam(`param ${at} must be an object`);
  if (item.type === 'nested')
    return invalidParam(`param ${at}[type] nested menus are no longer supported (removed in v8.0)`);
  if (typeof item.title !== 'string' || item.title.length === 0) return required(`${at}[title]`);
  if (characters(item.title) > 30) return maxLength(`${at}[title]`, 30);
  if (item.type === 'postback') {
    if (typeof item.payload !== 'string' || item.payload.length === 0) return required(`${at}[payload]`);
    return characters(item.payload) > 1000 ? maxLength(`${at}[payload]`, 1000) : undefined;
  }
  if (item.type === 'web_url')
    return isHttpUrl(item.url) ? undefined : invalidParam(`param ${at}[url] must be a valid URL`);
  return invalidParam(`param ${at}[type] must be one of {WEB_URL, POSTBACK}`);
}

/** Current format `[{locale, call_to_actions:[{question, payload}]}]` or the old flat one; ≤ 4 questions. */
function validateIceBreakers(value: unknown): GraphError | undefined {
  const items = recordArray(value, 'ice_breakers');
  if (!Array.isArray(items)) return items;
  const current = items.some((item) => item.call_to_actions !== undefined);
  if (!current) return validateQuestions(items, 'ice_breakers');
  for (const [index, item] of items.entries()) {
    if (typeof item.locale !== 'string') return required(`ice_breakers[${index}][locale]`);
    const questions = recordArray(item.call_to_actions, `ice_breakers[${index}][call_to_actions]`);
    if (!Array.isArray(questions)) return questions;
    const error = validateQuestions(questions, `ice_breakers[${index}][call_to_actions]`);
    if (error) return error;
  }
  return requireDefaultLocale(items, 'ice_breakers');
}

function validateQuestions(questions: Record<string, unknown>[], field: string): GraphError | undefined {
  if (questions.length > 4) return tooMany(field, 4);
  for (const [index, question] of questions.entries()) {
    if (typeof question.question !== 'string' || question.question.length === 0)
      return required(`${field}[${index}][question]`);
    if (typeof question.payload !== 'string' || question.payload.length === 0)
      return required(`${field}[${index}][payload]`);
  }
  return undefined;
}

/** ≤ 50 https URLs or domain names; no IP addresses, no localhost (§5). */
function validateWhitelistedDomains(value: unknown): GraphError | undefined {
  if (!Array.isArray(value)) return invalidParam('param whitelisted_domains must be an array');
  if (value.length > 50) return tooMany('whitelisted_domains', 50);
  for (const [index, domain] of value.entries()) {
    if (!isAllowedDomain(domain))
      return invalidParam(
        `param whitelisted_domains[${index}] must be an https URL or domain name, not an IP address or localhost`,
      );
  }
  return undefined;
}

function isAllowedDomain(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0) return false;
  let host: string;
  try {
    const url = new URL(value.includes('://') ? value : `https://${value}`);
    if (url.protocol !== 'https:') return false;
    host = url.hostname;
  } catch {
    return false;
  }
  return host !== 'localhost' && host.includes('.') && !/^[\d.]+$/.test(host) && !host.startsWith('[');
}
