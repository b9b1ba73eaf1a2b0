import { describe, expect, it } from 'vitest';
import { databaseUrlProblem } from './database-url.ts';

describe('databaseUrlProblem', () => {
  it('accepts a SQLite path and a PostgreSQL URL', () => {
    for (const url of [
      'sqlite:./data/switchboard.db',
      'sqlite:/var/lib/switchboard/switchboard.db',
      'sqlite::memory:',
      'postgres://sb:p%2Fss%23word@db.example:5432/switchboard?sslmode=require',
      'postgresql://sb@db.example/switchboard',
    ])
      expect(databaseUrlProblem(url)).toBeUndefined();
  });

  it('refuses a SQLite URL with no path or with //, which would put the file at the root', () => {
    expect(databaseUrlProblem('sqlite:')).toMatch(/needs a file path/);
    expect(databaseUrlProblem('sqlite:  ')).toMatch(/needs a file path/);
    expect(databaseUrlProblem('sqlite://data/x.db')).toMatch(
      /root.*sqlite:\.\/data\/switchboard\.db or sqlite:\/absolute/,
    );
  });

  it('asks to percent-encode a password that breaks the URL, without showing it', () => {
    for (const url of [
      'postgres://sb:a/b+c==@db.example/switchboard',
      'postgres://sb:12/34@db.example/switchboard', // parses, with "34@db.example" as the path
      'postgresql://sb:12#34@db.example/switchboard',
      'postgres://sb:12?34@db.example/switchboard',
    ]) {
      const problem = databaseUrlProblem(url);
      expect(problem).toMatch(/percent-encode/);
      expect(problem).not.toMatch(/34|b\+c|db\.example/);
    }
  });

  it('names the two forms for anything else', () => {
    for (const url of ['mysql://db/x', 'switchboard.db', ' ', 'SQLITE:x.db'])
      expect(databaseUrlProblem(url)).toMatch(/^must be sqlite:<path> .* or postgres:\/\//);
  });
});
