import { describe, expect, it } from 'vitest';
import { createFaultStore } from './faults.ts';

describe('fault store', () => {
  it('fails the next matching calls only, then stops', () => {
    const faults = createFaultStore();
    faults.set({ next: { count: 2, code: 613, path_contains: 'messages' } });
    expect(faults.take('/v25.0/me/messenger_profile', undefined)).toBeUndefined();
    expect(faults.take('/v25.0/me/messages', undefined)?.error).toMatchObject({
      code: 613,
      status: 400,
      message: expect.stringMatching(/^\(#613\)/),
    });
    expect(faults.take('/v25.0/me/messages', undefined)?.after).toBe(false);
    expect(faults.take('/v25.0/me/messages', undefined)).toBeUndefined();
  });

  it('marks a fault that answers a call carried out', () => {
    const faults = createFaultStore();
    faults.set({ next: { count: 1, code: 2, after: true } });
    expect(faults.take('/v25.0/me/messages', undefined)).toMatchObject({
      after: true,
      error: { code: 2, status: 500 },
    });
  });

  it('answers codes 1 and 2 with HTTP 500 and rate limits with usage headers', () => {
    const faults = createFaultStore();
    faults.set({ next: { count: 1, code: 1 } });
    expect(faults.take('/x', undefined)?.error.status).toBe(500);
    faults.set({ next: { count: 1, code: 4 } });
    expect(faults.take('/x', undefined)?.error.headers?.['x-app-usage']).toContain('call_count');
  });

  it('fails a share of calls by error_rate with code 2', () => {
    const values = [0.1, 0.9];
    const faults = createFaultStore(() => values.shift() ?? 0);
    faults.set({ error_rate: 0.5 });
    expect(faults.take('/x', undefined)?.error.code).toBe(2);
    expect(faults.take('/x', undefined)).toBeUndefined();
  });

  it('drops the requested number of webhooks', () => {
    const faults = createFaultStore();
    faults.set({ drop_webhooks: 1 });
    expect(faults.takeDrop()).toBe(true);
    expect(faults.takeDrop()).toBe(false);
  });
});
