import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Whether the control API answers a request sent to `host` (the Host header): a loopback address, `localhost`, or
 * the host name of the emulator's public URL. The control API has no credentials: another name may be an attacker's
 * domain turned to this machine (DNS rebinding), and another address means a caller elsewhere on the network, which
 * is let in only when the public URL names that address.
 */
export function isControlHost(host: string, publicUrl: string | undefined): boolean {
  let hostname: string;
  try {
    // The URL parser normalises the spellings of an address (127.1, 0x7f000001, [0:0:0:0:0:0:0:1]).
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  if (hostname === 'localhost' || isLoopback(hostname)) return true;
  return publicUrl !== undefined && URL.canParse(publicUrl) && new URL(publicUrl).hostname === hostname;
}

function isLoopback(hostname: string): boolean {
  const address = hostname.replace(/^\[|\]$/g, '');
  const version = isIP(address);
  return version !== 0 && LOOPBACK.check(address, version === 4 ? 'ipv4' : 'ipv6');
}
