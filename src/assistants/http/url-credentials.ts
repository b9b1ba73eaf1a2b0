/**
 * A URL's user and password (`https://user:pass@bot.example.com/turn`) as a Basic `authorization` header, and the URL
 * without them. undici leaves them out of the request without a word: a bot behind Basic auth refused every turn.
 */
export function splitCredentials(url: string): { url: string; authorization?: string } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url };
  // Percent-encoded in the URL ("p%40ss" for "p@ss"); the header carries them as they are.
  const credentials = `${decodeEscapes(parsed.username)}:${decodeEscapes(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

/**
 * Each run of `%XX` escapes decoded; a `%` that starts none ("50%off", left unencoded) is kept as typed. The URL parser
 * accepts it, and decodeURIComponent of the whole would throw "URI malformed" when the assistant is made.
 */
function decodeEscapes(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (escapes) => {
    try {
      return decodeURIComponent(escapes);
    } catch {
      return escapes; // Not UTF-8 once decoded.
    }
  });
}
