import { isIP } from 'node:net';

/**
 * Whose `X-Forwarded-For` is believed: no one, any peer, peers at these addresses and CIDR ranges, or the last this
 * many hops (a fixed chain of proxies, such as a CDN then a load balancer).
 */
export type TrustProxy = boolean | number | string[];

/**
 * `trust_proxy` / `TRUST_PROXY` as Fastify takes it: `false` (the default: the client is the TCP peer), `true` (any
 * peer, only when nothing can reach the gateway but the proxy), a number of proxies (1 or more: the last hops of
 * `X-Forwarded-For`, again only when nothing but that chain can reach the gateway), or the proxies' addresses and CIDR
 * ranges, as a list (the file) or comma-separated. A problem is returned as text, never thrown.
 */
export function parseTrustProxy(
  value: boolean | number | string | string[] | undefined,
): TrustProxy | { problem: string } {
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  // A number from the file, or one written as a variable (`10.5` is no address, `10.0.0.5` is not taken here).
  if (typeof value === 'number' || (typeof value === 'string' && /^[+-]?\d+(\.\d+)?$/.test(value.trim()))) {
    const hops = Number(value);
    if (Number.isInteger(hops) && hops >= 1) return hops;
    return {
      problem: `"${String(value).trim()}" is not a number of proxies: write how many stand in front of the gateway as a whole number of 1 or more (2 for a CDN then a load balancer), or false for none`,
    };
  }
  const ranges = (Array.isArray(value) ? value : value.split(',')).map((r) => r.trim());
  const bad = ranges.find((range) => !isRange(range));
  if (bad === undefined) return ranges;
  return {
    problem: `"${bad}" is not an address or a CIDR range; write false, true, a number of proxies, or the proxies' addresses such as 10.0.0.0/8,127.0.0.1`,
  };
}

function isRange(range: string): boolean {
  const [address = '', bits, ...rest] = range.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}
