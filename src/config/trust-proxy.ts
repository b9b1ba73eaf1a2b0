import { isIP } from 'node:net';

/** Whose `X-Forwarded-For` is believed: no one, any peer, or peers at these addresses and CIDR ranges. */
export type TrustProxy = boolean | string[];

/**
 * `trust_proxy` / `TRUST_PROXY` as Fastify takes it: `false` (the default: the client is the TCP peer), `true` (any
 * peer, only when nothing can reach the gateway but the proxy), or the proxies' addresses and CIDR ranges, as a list
 * (the file) or comma-separated. A problem is returned as text, never thrown.
 */
export function parseTrustProxy(
  value: boolean | number | string | string[] | undefined,
): TrustProxy | { problem: string } {
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  const ranges = (Array.isArray(value) ? value : String(value).split(',')).map((r) => r.trim());
  const bad = ranges.find((range) => !isRange(range));
  if (bad === undefined) return ranges;
  return {
    problem: `"${bad}" is not an address or a CIDR range; write false, true, or the proxies' addresses such as 10.0.0.0/8,127.0.0.1`,
  };
}

function isRange(range: string): boolean {
  const [address = '', bits, ...rest] = range.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}
