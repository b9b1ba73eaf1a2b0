/**
 * A URL's user and password (`https://user:pass@bot.example.com/turn`) as a Basic `authorization` header, and the URL
 * without them. undici leaves them out of the request without a word: a bot behind Basic auth refused every turn.
 */
export function splitCredentials(url: string): { url: string; authorization?: string } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url };
  // Percent-encoded in the URL ("p%40ss" for "p@ss"); the header carries them as they are.
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}
