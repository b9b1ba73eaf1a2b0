import { describe, expect, it } from 'vitest';
import { defaultPageSettings } from '../config/page-settings.ts';
import { createMessengerRenderer } from './messenger-renderer.ts';
import type { DroppedPiece } from './render/index.ts';

describe('Messenger renderer', () => {
  it('tells in which conversation it left out a response Messenger cannot show, and why', () => {
    const dropped: [object, DroppedPiece][] = [];
    const renderer = createMessengerRenderer({ onDrop: (turn, piece) => dropped.push([turn, piece]) });
    const page = {
      id: 'page-1',
      app_id: 'app-1',
      settings: { ...defaultPageSettings, typing_indicators: false, mark_seen: false },
      welcome_payload: 'GET_STARTED',
    };
    const steps = renderer.render(
      [
        { type: 'image', url: 'images/truck.png' },
        { type: 'text', text: 'On its way!' },
      ],
      page,
      'conversation-1',
    );
    expect(steps.filter((s) => s.kind === 'message')).toHaveLength(1);
    expect(dropped).toEqual([
      [
        { pageId: 'page-1', conversationId: 'conversation-1' },
        { response: { type: 'image', url: 'images/truck.png' }, reason: expect.any(String) },
      ],
    ]);
  });
});
