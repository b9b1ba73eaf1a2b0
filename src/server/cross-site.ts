import { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';

/** Methods a page of another site can send without asking first (a form), with the credentials the browser holds. */
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A request that would change something, sent by a page of another origin. Browsers send `Origin` on such requests
 * (forms included), and with it the HTTP Basic credentials they remember for this server: without this check any page
 * the user opens could act in their name. Requests without `Origin` (curl, other servers) come from no page. The host
 * is the one the request was sent to (`X-Forwarded-Host` from a trusted proxy, else `Host`); the scheme is this
 * server's as the browser sees it (`ownScheme`): `http://gateway.example` is another origin than
 * `https://gateway.example`. `publicUrl` is the gateway's configured address (`PUBLIC_URL`), if any.
 */
export function isCrossSite(request: FastifyRequest, publicUrl?: string): boolean {
  const origin = request.headers.origin;
  if (!origin || !UNSAFE.has(request.method)) return false;
  try {
    const page = new URL(origin);
    const scheme = ownScheme(request, publicUrl);
    if (scheme !== undefined && page.protocol !== scheme) return true;
    // Both as URLs of the page's scheme, so that a default port written out or left out compares equal.
    return new URL(`${page.protocol}//${request.host}`).host !== page.host;
  } catch {
    return true; // `Origin: null` (a sandboxed page, a redirect): not this server's.
  }
}

/**
 * This server's scheme (`https:`) as the browser sees it: the one a trusted proxy forwards (`X-Forwarded-Proto`, which
 * Fastify's `protocol` reads only from proxies in `TRUST_PROXY`: another than the connection's is a proxy's), else
 * `PUBLIC_URL`'s when it names the host the request reached, else `https:` on a TLS connection. Undefined when nothing
 * tells: a plain connection may come through a TLS proxy the gateway does not trust (the README's setup passes `Host`
 * alone), so only the host is compared.
 */
function ownScheme(request: FastifyRequest, publicUrl: string | undefined): string | undefined {
  const connection = request.socket instanceof TLSSocket ? 'https' : 'http';
  if (request.protocol !== connection) return `${request.protocol}:`;
  if (publicUrl) {
    const configured = new URL(publicUrl);
    if (new URL(`${configured.protocol}//${request.host}`).host === configured.host) return configured.protocol;
  }
  return connection === 'https' ? 'https:' : undefined;
}
