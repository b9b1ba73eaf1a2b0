import { describe, expect, it } from 'vitest';
import { describeDatabaseUrl } from './runtime.ts';

describe('describeDatabaseUrl', () => {
  it('never shows a password, wherever the URL carries it', () => {
    const urls = [
      'postgres://sb:hunter22@db.example:5432/switchboard',
      'postgres://sb:p@ss@db.example/switchboard', // pg reads the password as "p@ss"
      'postgres://sb@db.example/switchboard?password=hunter22&sslmode=require',
      'postgresql://sb:a/b+c==@db.example/switchboard', // base64 with a slash: not a valid URL
    ];
    const shown = urls.map(describeDatabaseUrl);
    for (const line of shown) expect(line).not.toMatch(/hunter22|p@ss|ss@|a\/b\+c/);
    expect(shown).toEqual([
      'postgres://sb:redacted@db.example:5432/switchboard',
      'postgres://sb:redacted@db.example/switchboard',
      'postgres://sb@db.example/switchboard?redacted',
      'postgresql: (not a valid URL, not shown)',
    ]);
  });

  it('shows a SQLite path as it is', () => {
    expect(describeDatabaseUrl('sqlite:data/switchboard.db')).toBe('sqlite:data/switchboard.db');
  });
});
