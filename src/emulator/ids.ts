import { randomBytes, randomInt } from 'node:crypto';

/** A numeric id as Facebook spells them: a string of `digits` digits without a leading zero. */
export function numericId(digits = 15): string {
  let id = String(randomInt(1, 10));
  while (id.length < digits) id += String(randomInt(0, 10));
  return id;
}

/**
 * An app id: 16 digits starting with 1, so it stays exact as a JSON number (echoes carry `app_id`
 * as a number, messenger-platform.md §2.2).
 */
export function appId(): string {
  return `1${numericId(15)}`.slice(0, 16);
}

/** A current-style message id: `m_` + base64url (§0). */
export function messageId(): string {
  return `m_${randomBytes(33).toString('base64url')}`;
}

/**
 * A chat-plugin guest's `user_ref`: opaque, and never only digits, so it can never be taken for a PSID. (Facebook's
 * own form is not documented; the plugin's checkbox sibling lets the site choose it.)
 */
export function userRef(): string {
  return `ur_${randomBytes(12).toString('base64url')}`;
}

/** The `fbtrace_id` of an error envelope. */
export function fbtraceId(): string {
  return randomBytes(9).toString('base64url');
}

/** An opaque access token that looks like Facebook's (`EAA…`, alphanumeric). */
export function accessToken(): string {
  return `EAA${randomBytes(96).toString('base64url').replace(/[-_]/g, '').slice(0, 120)}`;
}

/** A random opaque string for OAuth codes and similar one-time values. */
export function opaqueCode(): string {
  return `AQ${randomBytes(48).toString('base64url')}`;
}
