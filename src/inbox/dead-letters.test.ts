import { describe, expect, it } from 'vitest';
import {
  conversationsToName,
  DEAD_LETTERS_LISTED,
  describeAttempts,
  describeReplay,
  describeSendError,
  describeTruncation,
  eventKindLabel,
  personOf,
  sendKindLabel,
} from './web/dead-letters.js';

const lena = {
  id: 'c-lena',
  page_id: 'page-1',
  first_name: 'Lena',
  last_name: 'Okafor',
  contact_external_id: '6021938475610234',
};

describe('the dead letters in words', () => {
  it('names what a dead send was: a message, a business update by its tag, or a sender action', () => {
    expect(sendKindLabel({ kind: 'message', tag: null })).toBe('Message');
    expect(sendKindLabel({ kind: 'message', tag: 'POST_PURCHASE_UPDATE' })).toBe('Purchase update');
    expect(sendKindLabel({ kind: 'message', tag: 'HUMAN_AGENT' })).toBe('Message');
    expect(sendKindLabel({ kind: 'typing_on' })).toBe('Typing indicator');
    expect(sendKindLabel({ kind: 'something_new' })).toBe('something_new');
  });

  it('names the kind of a dead event, and shows one it does not know as stored', () => {
    expect(eventKindLabel('message')).toBe('Message');
    expect(eventKindLabel('postback')).toBe('Button tap');
    expect(eventKindLabel('read')).toBe('Read receipt');
    expect(eventKindLabel('game_play')).toBe('game_play');
  });

  it("gives a send's last error with Graph's code and subcode, and its words alone when Graph gave no code", () => {
    const temporary = 'Temporary send message failure. Please try again later';
    expect(describeSendError({ error_code: 1200, error_subcode: null, error_message: temporary })).toBe(
      `${temporary} (code 1200)`,
    );
    expect(describeSendError({ error_code: 100, error_subcode: 2018001, error_message: 'No matching user' })).toBe(
      'No matching user (code 100/2018001)',
    );
    expect(describeSendError({ error_code: null, error_message: 'connect ECONNREFUSED' })).toBe('connect ECONNREFUSED');
    expect(describeSendError({ error_code: null, error_message: null })).toBe('No error was recorded');
  });

  it('counts attempts in words', () => {
    expect(describeAttempts(1)).toBe('1 attempt');
    expect(describeAttempts(10)).toBe('10 attempts');
  });

  it('says what a replay queued, and when nothing was dead', () => {
    expect(describeReplay({ outbox: 1, events: 0 })).toBe('Queued again: 1 send and 0 events.');
    expect(describeReplay({ outbox: 12, events: 1 })).toBe('Queued again: 12 sends and 1 event.');
    expect(describeReplay({ outbox: 0, events: 0 })).toBe('Nothing was dead: nothing was queued again.');
  });

  it('says that older ones are not listed once the API lists as many as it does', () => {
    const full = Array.from({ length: DEAD_LETTERS_LISTED }, (_, i) => i);
    expect(describeTruncation({ outbox: [1], events: [] })).toBe('');
    expect(describeTruncation({ outbox: [], events: full })).toBe(
      'Only the newest 100 of each are listed; a replay queues every one.',
    );
  });

  it('asks for the names of the conversations not named yet, once each', () => {
    const outbox = [{ conversation_id: 'c-1' }, { conversation_id: 'c-2' }, { conversation_id: 'c-1' }];
    expect(conversationsToName(outbox, new Map([['c-2', lena]]))).toEqual(['c-1']);
    expect(conversationsToName([], new Map())).toEqual([]);
  });

  it('names the person of a send by its conversation, of an event by its page and sender, else by the end of the id', () => {
    const send = { conversation_id: 'c-lena', recipient_id: lena.contact_external_id, page_id: 'page-1' };
    expect(personOf(send, [lena])).toBe('Lena Okafor');
    expect(personOf({ user_id: lena.contact_external_id, page_id: 'page-1' }, [lena])).toBe('Lena Okafor');
    // The same person id on another page is another person (page-scoped ids).
    expect(personOf({ user_id: lena.contact_external_id, page_id: 'page-2' }, [lena])).toBe('Person …0234');
    expect(personOf({ conversation_id: 'c-other', recipient_id: '99887766', page_id: 'page-1' }, [lena])).toBe(
      'Person …7766',
    );
    expect(personOf({ user_id: null, page_id: 'page-1' }, [])).toBe('Unknown person');
  });
});
