import { describe, expect, it } from 'vitest';
import { defaultPageSettings } from '../config/page-settings.ts';
import type { Session } from './ports.ts';
import { escalationOf } from './turn-escalation.ts';

const NOW = Date.UTC(2025, 5, 2, 12, 0);
const session = (state: Record<string, unknown>): Session => ({
  id: 's1',
  context: {},
  state,
  started_at: NOW - 600_000,
  last_activity_at: NOW - 60_000,
});
const say = (s: Session, text: string, at = NOW) => escalationOf({ kind: 'text', text }, s, defaultPageSettings, at);

describe('escalationOf', () => {
  it('remembers messages folded and escalates the third of the same message', () => {
    const s = session({});
    expect(say(s, 'Where is my ORDER?', NOW - 120_000)).toBeUndefined();
    expect(say(s, 'where is my order', NOW - 60_000)).toBeUndefined();
    expect(s.state.recent_inbound).toEqual([
      { folded: 'where is my order', at: NOW - 120_000 },
      { folded: 'where is my order', at: NOW - 60_000 },
    ]);
    expect(say(s, 'where is my order !')).toMatch(/^repeated_message/);
  });

  it('reads the texts that sessions saved by earlier versions kept', () => {
    const s = session({
      recent_inbound: [
        { text: 'Où est ma commande ?', at: NOW - 120_000 },
        { text: 'ou est ma commande', at: NOW - 60_000 },
      ],
    });
    expect(say(s, 'Ou est ma commande')).toMatch(/^repeated_message/);
    expect((s.state.recent_inbound as unknown[]).at(-1)).toEqual({ folded: 'ou est ma commande', at: NOW });
  });
});
