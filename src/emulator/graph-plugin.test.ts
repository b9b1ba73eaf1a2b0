import { describe, expect, it } from 'vitest';
import { rewriteGraphUrl } from './graph-plugin.ts';

describe('Graph URL rewriting', () => {
  it('routes any version prefix and unversioned Graph paths to the Graph routes', () => {
    expect(rewriteGraphUrl('POST', '/v25.0/me/messages?access_token=x')).toBe('/graph/me/messages?access_token=x');
    expect(rewriteGraphUrl('GET', '/v3/123')).toBe('/graph/123');
    expect(rewriteGraphUrl('POST', '/me/messages')).toBe('/graph/me/messages');
    expect(rewriteGraphUrl('GET', '/104857392018475/subscribed_apps')).toBe('/graph/104857392018475/subscribed_apps');
    expect(rewriteGraphUrl('GET', '/dialog/oauth?client_id=1')).toBe('/graph/dialog/oauth?client_id=1');
    expect(rewriteGraphUrl('POST', '/v25.0/')).toBe('/graph/');
    expect(rewriteGraphUrl('POST', '/')).toBe('/graph/');
  });

  it('leaves the chat page and the control API alone', () => {
    expect(rewriteGraphUrl('GET', '/')).toBe('/');
    expect(rewriteGraphUrl('GET', '/app.js')).toBe('/app.js');
    expect(rewriteGraphUrl('GET', '/_emulator/state')).toBe('/_emulator/state');
    expect(rewriteGraphUrl('GET', '/version.txt')).toBe('/version.txt');
  });
});
