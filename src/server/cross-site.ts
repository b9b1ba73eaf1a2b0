import type { FastifyRequest } from 'fastify';

/** Methods a page of another site can send without asking first (a form), with the credentials the browser holds. */
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A request that would change something, sent by a page of another origin. Browsers send `Origin` on such requests
 * (forms included), and with it the HTTP Basic credentials they remember for this server: without this check any page
 * the user opens could act in their name. Requests without `Origin` (curl, other servers) come from no page. The host
 * is the one the request was sent to (`X-Forwarded-Host` from a trusted proxy, else `Host`).
 */
export function isCrossSite(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin || !UNSAFE.has(request.method)) return false;
  try {
    const page = new URL(origin);
    // Both as URLs of the page's scheme, so that a default port written out or left out compares equal.
    return new URL(`${page.protocol}//${request.host}`).host !== page.host;
  } catch {
    return true; // `Origin: null` (a sandboxed page, a redirect): not this server's.
  }
}
