import type { InboundEvent } from '../../conversations/inbound-event.ts';
import { normalizeMessagingEvent } from './normalize-event.ts';

export interface ParsedWebhook {
  events: InboundEvent[];
  /** Events that could not be understood: stored for inspection, the rest still processed. */
  rejected: { reason: string; raw: unknown }[];
}

/** Every entry and every messaging/standby event of a body (never only the first: style.md "Never" 1). */
export function parseWebhookBody(body: unknown): ParsedWebhook {
  const result: ParsedWebhook = { events: [], rejected: [] };
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { entry?: unknown }).entry)) {
    result.rejected.push({ reason: 'body has no entry array', raw: body });
    return result;
  }
  const { object, entry } = body as { object?: unknown; entry: unknown[] };
  if (object !== 'page') {
    result.rejected.push({ reason: `object ${JSON.stringify(object) ?? 'undefined'} is not "page"`, raw: body });
    return result;
  }
  for (const item of entry) {
    const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
    // Only a string or a number: String() of an object may throw, and a 500 would refuse the whole body for ever.
    const pageId = typeof id === 'string' || typeof id === 'number' ? String(id) : '';
    if (!/^\d+$/.test(pageId)) {
      result.rejected.push({ reason: 'entry has no page id', raw: item });
      continue;
    }
    const e = item as { messaging?: unknown; standby?: unknown; changes?: unknown };
    const found = result.events.length + result.rejected.length;
    for (const [list, standby] of [
      [e.messaging, false],
      [e.standby, true],
    ] as const) {
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        result.rejected.push({ reason: `${standby ? 'standby' : 'messaging'} is not an array`, raw: item });
        continue;
      }
      for (const raw of list) {
        const normalized = normalizeMessagingEvent(raw, pageId, standby);
        if (normalized.ok) result.events.push(normalized.event);
        else result.rejected.push({ reason: normalized.reason, raw });
      }
    }
    if (Array.isArray(e.changes)) {
      for (const change of e.changes)
        result.rejected.push({ reason: 'page feed changes are not handled', raw: change });
    }
    if (result.events.length + result.rejected.length === found)
      result.rejected.push({ reason: 'entry holds no messaging, standby or changes event', raw: item });
  }
  return result;
}
