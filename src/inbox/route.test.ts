import { describe, expect, it } from 'vitest';
import { conversationHref, isRoute, parseRoute } from './web/route.js';

describe('reading the view from the address', () => {
  it('names the pages, the team, the list and a conversation', () => {
    expect(parseRoute('#/pages')).toEqual({ view: 'pages' });
    expect(parseRoute('#/team')).toEqual({ view: 'team' });
    expect(parseRoute('')).toEqual({ view: 'conversations' });
    expect(parseRoute('#/')).toEqual({ view: 'conversations' });
    expect(parseRoute('#/c/c_01%2F2')).toEqual({ view: 'conversations', id: 'c_01/2' });
    expect(parseRoute(conversationHref('a b'))).toEqual({ view: 'conversations', id: 'a b' });
  });

  it('shows the list for an id that is a dot segment, empty, or malformed percent-encoding, without throwing', () => {
    for (const hash of ['#/c/.', '#/c/..', '#/c/%2E%2E', '#/c/', '#/c/%', '#/c/%E0%A4%A']) {
      expect(parseRoute(hash)).toEqual({ view: 'conversations' });
    }
  });

  it('tells the views from a link to an element of the page', () => {
    for (const hash of ['', '#', '#/', '#/pages', '#/c/c_01']) expect(isRoute(hash)).toBe(true);
    for (const hash of ['#app', '#topbar', '#c/c_01']) expect(isRoute(hash)).toBe(false);
  });
});
