import { describe, expect, it } from 'vitest';
import { splitCredentials } from './url-credentials.ts';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

describe('splitCredentials', () => {
  it('sends percent-encoded credentials decoded, and takes them out of the URL', () => {
    expect(splitCredentials('https://switchboard:p%40ss%C3%A9@bot.example.com/turn')).toEqual({
      url: 'https://bot.example.com/turn',
      authorization: basic('switchboard:p@ssé'),
    });
  });

  it('takes a % that starts no escape as it is, rather than failing the start', () => {
    expect(splitCredentials('https://bot:50%off%21@bot.example.com/turn')).toEqual({
      url: 'https://bot.example.com/turn',
      authorization: basic('bot:50%off!'),
    });
  });

  it('leaves a URL without credentials as it is', () => {
    expect(splitCredentials('https://bot.example.com/turn?x=1')).toEqual({ url: 'https://bot.example.com/turn?x=1' });
  });
});
