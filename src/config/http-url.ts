import { z } from 'zod';

/**
 * An http(s) URL in the configuration, refused with what to write: `z.url()` alone takes any scheme, reads
 * `localhost:3100` as the scheme `localhost:`, and says only "Invalid URL". A refusal ends the checks: what follows may
 * assume a URL.
 */
export const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `give an http(s) URL such as ${example}`, abort: true });
