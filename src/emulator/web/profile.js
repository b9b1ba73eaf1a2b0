/** Reading a page's Messenger profile the way Messenger shows it to one person. */

/**
 * The entry of a per-locale list (greeting, persistent_menu, ice_breakers) that Messenger shows
 * to someone with `locale`: the exact locale, else the `default` entry, else the first one.
 */
export function forLocale(entries, locale) {
  if (!Array.isArray(entries) || entries.length === 0) return undefined;
  return entries.find((e) => e.locale === locale) ?? entries.find((e) => e.locale === 'default') ?? entries[0];
}

/** A person's display name; the control API may give `name` or only first and last names. */
export function fullName(person) {
  if (!person) return '';
  return person.name ?? [person.first_name, person.last_name].filter(Boolean).join(' ');
}

/** Fills the placeholders Messenger allows in greetings (`{{user_first_name}}` and friends). */
export function fillGreeting(text, person) {
  const first = person?.first_name ?? '';
  const last = person?.last_name ?? '';
  const full = fullName(person);
  return String(text)
    .replaceAll('{{user_first_name}}', first)
    .replaceAll('{{user_last_name}}', last)
    .replaceAll('{{user_full_name}}', full);
}

/**
 * Ice breakers in either format: the current `[{locale, call_to_actions: [...]}]` or the
 * pre-2022 flat `[{question, payload}]` (messenger-platform.md §5).
 */
export function iceBreakers(profile, locale) {
  const list = profile?.ice_breakers;
  if (!Array.isArray(list)) return [];
  if (list.some((e) => Array.isArray(e.call_to_actions))) {
    return forLocale(list, locale)?.call_to_actions ?? [];
  }
  return list.filter((e) => typeof e.question === 'string');
}

/** The persistent menu for `locale`: `{items, inputDisabled}`; no items when none is set. */
export function persistentMenu(profile, locale) {
  const entry = forLocale(profile?.persistent_menu, locale);
  return { items: entry?.call_to_actions ?? [], inputDisabled: entry?.composer_input_disabled === true };
}

/** The greeting text for `person`, filled in, or undefined when the page has none. */
export function greeting(profile, person) {
  const entry = forLocale(profile?.greeting, person?.locale);
  return entry ? fillGreeting(entry.text, person) : undefined;
}
