import { describe, expect, it } from 'vitest';
import { parseUsageHeaders } from './usage.ts';

describe('parseUsageHeaders', () => {
  it('takes the highest percent of X-App-Usage and X-Page-Usage', () => {
    const usage = parseUsageHeaders({
      'x-app-usage': '{"call_count":28,"total_cputime":10,"total_time":12}',
      'x-page-usage': '{"call_count":3,"total_cputime":41,"total_time":7}',
    });
    expect(usage).toEqual({ app: 28, page: 41 });
  });

  it('reads the business use case shape across ids and types, with the wait in ms', () => {
    const usage = parseUsageHeaders({
      'x-business-use-case-usage': JSON.stringify({
        '104857392018475': [
          { type: 'pages', call_count: 95, total_cputime: 20, total_time: 31, estimated_time_to_regain_access: 7 },
          { type: 'messenger', call_count: 12, total_cputime: 99, total_time: 1, estimated_time_to_regain_access: 0 },
        ],
        '209384756102938': [{ type: 'pages', call_count: 5, total_cputime: 5, total_time: 5 }],
      }),
    });
    expect(usage).toEqual({ business: 99, regain_access_ms: 7 * 60_000 });
  });

  it('leaves out the wait when Graph reports none', () => {
    const usage = parseUsageHeaders({
      'x-business-use-case-usage': '{"1":[{"type":"pages","call_count":5,"estimated_time_to_regain_access":0}]}',
    });
    expect(usage).toEqual({ business: 5 });
  });

  it('matches header names in any letter case', () => {
    expect(parseUsageHeaders({ 'X-App-Usage': '{"call_count":50}' })).toEqual({ app: 50 });
  });

  it('accepts numbers sent as strings', () => {
    expect(parseUsageHeaders({ 'x-app-usage': '{"call_count":"64","total_time":"12"}' })).toEqual({ app: 64 });
  });

  it('takes the highest of repeated headers', () => {
    expect(parseUsageHeaders({ 'x-page-usage': ['{"call_count":10}', '{"call_count":70}'] })).toEqual({ page: 70 });
  });

  it('ignores malformed JSON but keeps the other headers', () => {
    const usage = parseUsageHeaders({
      'x-app-usage': '{"call_count":28,',
      'x-page-usage': '{"call_count":3}',
      'x-business-use-case-usage': 'not json',
    });
    expect(usage).toEqual({ page: 3 });
  });

  it('ignores JSON of the wrong shape', () => {
    expect(
      parseUsageHeaders({
        'x-app-usage': '[1,2,3]',
        'x-page-usage': '{"call_count":"lots"}',
        'x-business-use-case-usage': '{"1":{"call_count":5}}',
      }),
    ).toBeUndefined();
  });

  it('returns undefined without usage headers', () => {
    expect(parseUsageHeaders({ 'content-type': 'application/json', 'x-app-usage': undefined })).toBeUndefined();
  });
});
