/**
 * What is wrong with a database URL, with the fix, or undefined when `openDatabase` can use it. The URL itself is
 * never part of the answer: it may hold a password.
 */
export function databaseUrlProblem(url: string): string | undefined {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    // `sqlite://data/x.db` is the path //data/x.db, at the root of the file system.
    if (path.startsWith('//'))
      return 'sqlite://… puts the file at the root of the file system; write sqlite:./data/switchboard.db or sqlite:/absolute/path.db';
    if (path.trim() === '') return 'needs a file path after sqlite:, e.g. sqlite:./data/switchboard.db';
    return undefined;
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const encode =
      'percent-encode the characters / # ? @ : in the user name and password (encodeURIComponent; / is %2F, # is %23)';
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return `is not a valid URL (not shown, it may hold a password); ${encode}`;
    }
    // It parsed, but a / # or ? in the password moved the rest of it into the path, query or fragment.
    if (parsed.hash || parsed.pathname.includes('@') || parsed.search.includes('@'))
      return `does not read as postgres://user:password@host/database (not shown, it may hold a password); ${encode}`;
    return undefined;
  }
  return 'must be sqlite:<path> (e.g. sqlite:./data/switchboard.db) or postgres://user:password@host:5432/database';
}
