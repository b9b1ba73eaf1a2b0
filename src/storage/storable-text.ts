/**
 * Free text as a text column can hold it on both databases: PostgreSQL's text cannot hold U+0000 (JSON escapes it),
 * and a turn writing one would fail for good, its message never shown.
 */
export const storableText = (text: string): string => text.replaceAll('\0', '');
