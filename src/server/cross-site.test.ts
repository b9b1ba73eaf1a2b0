import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { TrustProxy } from '../config/trust-proxy.ts';
import { createHttpApp } from './build-app.ts';
import { isCrossSite } from './cross-site.ts';

/** Whether a POST with these headers is taken for a cross-site one, by a gateway at `publicUrl`. */
async function crossSite(headers: Record<string, string>, o: { publicUrl?: string; trustProxy?: TrustProxy } = {}) {
  const app = createHttpApp(pino({ level: 'silent' }), o.trustProxy ?? false);
  app.post('/api/check', async (request) => ({ crossSite: isCrossSite(request, o.publicUrl) }));
  try {
    const answer = await app.inject({ method: 'POST', url: '/api/check', headers });
    return answer.json().crossSite as boolean;
  } finally {
    await app.close();
  }
}

describe('the cross-site check', () => {
  const atHttps = { publicUrl: 'https://gateway.example' };

  it('hears a page of the same scheme and host', async () => {
    expect(await crossSite({ host: 'gateway.example', origin: 'https://gateway.example' }, atHttps)).toBe(false);
    const atHttp = { publicUrl: 'http://gateway.example:3000' };
    expect(await crossSite({ host: 'gateway.example:3000', origin: 'http://gateway.example:3000' }, atHttp)).toBe(
      false,
    );
  });

  it('refuses a page of the same host in the other scheme, either way round', async () => {
    expect(await crossSite({ host: 'gateway.example', origin: 'http://gateway.example' }, atHttps)).toBe(true);
    const atHttp = { publicUrl: 'http://gateway.example' };
    expect(await crossSite({ host: 'gateway.example', origin: 'https://gateway.example' }, atHttp)).toBe(true);
  });

  it('refuses another host, as before', async () => {
    expect(await crossSite({ host: 'gateway.example', origin: 'https://attacker.example' }, atHttps)).toBe(true);
    expect(await crossSite({ host: 'gateway.example', origin: 'null' }, atHttps)).toBe(true);
  });

  it('takes the scheme a trusted proxy forwards (X-Forwarded-Proto), over PUBLIC_URL', async () => {
    const behind = { trustProxy: true as const, publicUrl: 'http://localhost:3000' };
    const forwarded = { host: 'switchboard:3000', 'x-forwarded-host': 'gateway.example', 'x-forwarded-proto': 'https' };
    expect(await crossSite({ ...forwarded, origin: 'https://gateway.example' }, behind)).toBe(false);
    expect(await crossSite({ ...forwarded, origin: 'http://gateway.example' }, behind)).toBe(true);
    // Not from a trusted proxy: the forwarded scheme is not believed, PUBLIC_URL's is.
    const told = { host: 'gateway.example', 'x-forwarded-proto': 'http' };
    expect(await crossSite({ ...told, origin: 'http://gateway.example' }, atHttps)).toBe(true);
    expect(await crossSite({ ...told, origin: 'https://gateway.example' }, atHttps)).toBe(false);
  });

  it('compares the host alone when nothing tells the scheme: a proxy it does not trust may end TLS before it', async () => {
    const elsewhere = { publicUrl: 'http://localhost:3000' };
    expect(await crossSite({ host: 'gateway.example', origin: 'https://gateway.example' }, elsewhere)).toBe(false);
    expect(await crossSite({ host: '192.0.2.10:3000', origin: 'http://192.0.2.10:3000' }, elsewhere)).toBe(false);
    expect(await crossSite({ host: 'gateway.example', origin: 'https://attacker.example' }, elsewhere)).toBe(true);
  });

  it('hears requests from no page (curl, another server)', async () => {
    expect(await crossSite({ host: 'gateway.example' }, atHttps)).toBe(false);
  });
});
