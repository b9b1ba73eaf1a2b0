import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
/** Listening at these reaches every interface: they name no host a page may be opened at. */
const WILDCARDS = new Set(['0.0.0.0', '[::]']);

/** The URLs the emulator is known by: its public URL, and the one it printed once listening (`printableUrl`). */
export interface KnownUrls {
  publicUrl?: string | undefined;
  listenUrl?: string | undefined;
}

/**
 * Whether the control API answers a request sent to `host` (the Host header) from `remote` (the caller's address):
 * `localhost` or a loopback address from this machine, or the host name of a known URL: the public URL, or the
 * specific address the operator had it listen at (the chat page at the printed URL calls the control API there).
 * The control API has no credentials: another name may be an attacker's domain turned to this machine (DNS
 * rebinding), and another address means a caller elsewhere on the network, let in only when the operator named that
 * address. A loopback name is believed only from this machine: any other caller can send `Host: localhost`.
 */
export function isControlHost(host: string, remote: string | undefined, known: KnownUrls): boolean {
  let hostname: string;
  try {
    // The URL parser normalises the spellings of an address (127.1, 0x7f000001, [0:0:0:0:0:0:0:1]).
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  if (WILDCARDS.has(hostname)) return false;
  const loopbackName = hostname === 'localhost' || isLoopback(hostname);
  // An address the operator named is theirs to open, from anywhere (a public URL of localhost behind Docker's ports).
  // The address it listens at counts only when it is not a loopback one: listening on every interface prints one.
  const named = [known.publicUrl, loopbackName ? undefined : known.listenUrl].some(
    (url) => url !== undefined && URL.canParse(url) && new URL(url).hostname === hostname,
  );
  if (named) return true;
  return loopbackName && remote !== undefined && isLoopback(remote);
}

/**
 * The URL to print for the address the server listens at (`host`, what it answered): on every interface (`0.0.0.0`,
 * `::`, answered as `127.0.0.1` or `[::1]`) or at `[::1]`, `localhost`, which the control API answers at; a specific
 * address stays as it is.
 */
export function printableUrl(address: string, host?: string): string {
  const url = new URL(address);
  const everywhere = host === '0.0.0.0' || host === '::';
  if (everywhere || WILDCARDS.has(url.hostname) || url.hostname === '[::1]') url.hostname = 'localhost';
  return url.origin;
}

function isLoopback(hostname: string): boolean {
  // A socket's IPv4 peer on a dual-stack server reads `::ffff:127.0.0.1`.
  const address = hostname.replace(/^\[|\]$/g, '').replace(/^::ffff:(?=\d+\.)/i, '');
  const version = isIP(address);
  return version !== 0 && LOOPBACK.check(address, version === 4 ? 'ipv4' : 'ipv6');
}
