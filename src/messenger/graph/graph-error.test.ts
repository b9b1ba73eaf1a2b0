import { describe, expect, it } from 'vitest';
import { classifyGraphError, type GraphError, type GraphFailureKind, parseGraphErrorBody } from './graph-error.ts';

const cases: Array<[string, Partial<GraphError>, GraphFailureKind]> = [
  ['1 unknown error', { code: 1 }, 'transient'],
  ['1/99 unknown error', { code: 1, error_subcode: 99 }, 'transient'],
  ['1/1357046 invalid JSON sent', { code: 1, error_subcode: 1357046 }, 'invalid'],
  ['2 service unavailable', { code: 2 }, 'transient'],
  ['2/2018344 terms of service not accepted', { code: 2, error_subcode: 2018344 }, 'permission'],
  ['1200 temporary send failure', { code: 1200 }, 'transient'],
  ['4 app request limit', { code: 4 }, 'rate_limited'],
  ['4/2018022 too many phone sends', { code: 4, error_subcode: 2018022 }, 'rate_limited'],
  ['17 user request limit', { code: 17 }, 'rate_limited'],
  ['32 page request limit', { code: 32 }, 'rate_limited'],
  ['341 application limit', { code: 341 }, 'rate_limited'],
  ['613 feature rate limit', { code: 613 }, 'rate_limited'],
  ['80001 pages BUC limit', { code: 80001, error_subcode: 2494055 }, 'rate_limited'],
  ['80006 messenger BUC limit', { code: 80006 }, 'rate_limited'],
  ['190 invalid token', { code: 190 }, 'token'],
  ['190/463 expired token', { code: 190, error_subcode: 463 }, 'token'],
  ['190/467 logged-out token', { code: 190, error_subcode: 467 }, 'token'],
  ['190/458 app removed', { code: 190, error_subcode: 458 }, 'token'],
  ['102 session expired', { code: 102 }, 'token'],
  ['10/2018278 outside the window', { code: 10, error_subcode: 2018278 }, 'window'],
  ['10/2018065 outside the old window', { code: 10, error_subcode: 2018065 }, 'window'],
  ['551 person unavailable', { code: 551 }, 'recipient'],
  ['551/1545041 person unavailable', { code: 551, error_subcode: 1545041 }, 'recipient'],
  ['100/2018001 no matching user', { code: 100, error_subcode: 2018001 }, 'recipient'],
  ['10/2018108 person not receiving', { code: 10, error_subcode: 2018108 }, 'recipient'],
  ['200/1545041 person unavailable (old form)', { code: 200, error_subcode: 1545041 }, 'recipient'],
  ['10 without subcode', { code: 10 }, 'permission'],
  ['10/1893063 page restricted', { code: 10, error_subcode: 1893063 }, 'permission'],
  ['200 permission error', { code: 200 }, 'permission'],
  ['200/2018027 dev-mode user without role', { code: 200, error_subcode: 2018027 }, 'permission'],
  ['299 permission error', { code: 299 }, 'permission'],
  ['230 permissions disallow', { code: 230 }, 'permission'],
  ['368 blocked for policy', { code: 368 }, 'permission'],
  ['100/2018234 not the thread owner', { code: 100, error_subcode: 2018234 }, 'permission'],
  ['100 invalid parameter', { code: 100 }, 'invalid'],
  ['100/2018034 message and sender_action', { code: 100, error_subcode: 2018034 }, 'invalid'],
  ['300 (outside 200-299)', { code: 300 }, 'invalid'],
  ['unknown code 12345', { code: 12345 }, 'invalid'],
  ['unknown code with HTTP 503', { code: 12345, http_status: 503 }, 'transient'],
  ['unknown code with HTTP 408', { code: 12345, http_status: 408 }, 'transient'],
  ['unknown code with HTTP 429', { code: 12345, http_status: 429 }, 'rate_limited'],
  ['unknown code with HTTP 403', { code: 12345, http_status: 403 }, 'invalid'],
  ['code 100 with HTTP 500', { code: 100, http_status: 500 }, 'invalid'],
  ['no code, HTTP 500', { http_status: 500 }, 'transient'],
  ['no code, HTTP 502', { http_status: 502 }, 'transient'],
  ['no code, HTTP 429', { http_status: 429 }, 'rate_limited'],
  ['no code, HTTP 404', { http_status: 404 }, 'invalid'],
  ['no code, no response (network error or timeout)', {}, 'transient'],
  ['is_transient on an unknown code', { code: 12345, is_transient: true }, 'transient'],
  ['is_transient on 100', { code: 100, is_transient: true }, 'transient'],
  ['is_transient on 1/1357046', { code: 1, error_subcode: 1357046, is_transient: true }, 'transient'],
  ['is_transient does not hide a dead token', { code: 190, is_transient: true }, 'token'],
  ['is_transient keeps rate limits as such', { code: 613, is_transient: true }, 'rate_limited'],
  ['is_transient false on 2 still retries', { code: 2, is_transient: false }, 'transient'],
];

describe('classifyGraphError', () => {
  it.each(cases)('classifies %s', (_name, fields, kind) => {
    expect(classifyGraphError({ message: 'x', ...fields })).toBe(kind);
  });
});

describe('parseGraphErrorBody', () => {
  it('reads every field of the envelope and adds the HTTP status', () => {
    const body = {
      error: {
        message: '(#100) No matching user found',
        type: 'OAuthException',
        code: 100,
        error_subcode: 2018001,
        fbtrace_id: 'AbC1',
        is_transient: false,
      },
    };
    expect(parseGraphErrorBody(body, 400)).toEqual({
      message: '(#100) No matching user found',
      type: 'OAuthException',
      code: 100,
      error_subcode: 2018001,
      fbtrace_id: 'AbC1',
      is_transient: false,
      http_status: 400,
    });
  });

  it('accepts codes sent as numeric strings', () => {
    const error = parseGraphErrorBody({ error: { message: 'm', code: '613', error_subcode: '2494055' } }, 400);
    expect(error).toMatchObject({ code: 613, error_subcode: 2494055 });
  });

  it('gives a message when Graph sent none', () => {
    expect(parseGraphErrorBody({ error: { code: 2 } }, 503)).toEqual({
      code: 2,
      message: 'Graph error (HTTP 503)',
      http_status: 503,
    });
  });

  it('returns undefined for bodies without an error object', () => {
    expect(parseGraphErrorBody({ recipient_id: '1' }, 200)).toBeUndefined();
    expect(parseGraphErrorBody({ error: 'bad' }, 400)).toBeUndefined();
    expect(parseGraphErrorBody('text', 400)).toBeUndefined();
    expect(parseGraphErrorBody(null, 400)).toBeUndefined();
  });
});
