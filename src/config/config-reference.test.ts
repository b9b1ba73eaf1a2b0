import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileConfigSchema } from './config-schema.ts';
import { defaultPageSettings, pageSettingsSchema } from './page-settings.ts';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const envExample = readFileSync(join(root, '.env.example'), 'utf8');

/** The source files under src/, tests left out. */
function sources(dir = join(root, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every variable the code reads by name: `env.NAME`, and the values of load-config.ts's tables of variables. */
function variablesRead(): Set<string> {
  const names = new Set<string>();
  for (const path of sources()) {
    const text = readFileSync(path, 'utf8');
    for (const [, name] of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) names.add(name as string);
  }
  const loadConfig = readFileSync(join(root, 'src/config/load-config.ts'), 'utf8');
  for (const [, name] of loadConfig.matchAll(/^ {2}[\w.']+: '([A-Z][A-Z0-9_]*)',$/gm)) names.add(name as string);
  return names;
}

/** The README's table rows under a heading, by their first cell. */
function tableRows(heading: string): Map<string, string[]> {
  const section = readme.slice(readme.indexOf(heading));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n').slice(1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('| `')) continue;
    const [first = '', ...rest] = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    rows.set(first, rest);
  }
  return rows;
}

describe('the configuration reference', () => {
  it('documents every variable the code reads, in the README and .env.example, and no other', () => {
    const read = variablesRead();
    const cells = [...tableRows('### Configuration').keys()];
    const inReadme = new Set(cells.flatMap((cell) => cell.match(/[A-Z][A-Z0-9_]+/g) ?? []));
    const inExample = new Set([...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    expect([...read].sort()).toEqual([...inReadme].sort());
    expect([...read].sort()).toEqual([...inExample].sort());
  });

  it('names every key of switchboard.yaml', () => {
    for (const key of Object.keys(fileConfigSchema.shape)) expect(readme).toContain(`\`${key}\``);
  });

  it('gives every page setting with the default the code has', () => {
    const rows = tableRows('### Page settings');
    expect([...rows.keys()].sort()).toEqual(
      Object.keys(pageSettingsSchema.shape)
        .map((k) => `\`${k}\``)
        .sort(),
    );
    // A long text is given below the table.
    for (const [key, value] of Object.entries(defaultPageSettings)) {
      const documented = rows.get(`\`${key}\``)?.[0];
      if (documented === 'below')
        expect(readme.replace(/\s+/g, ' '), key).toContain(`\`${key}\` is by default "${value}"`);
      else expect(documented, key).toBe(`\`${typeof value === 'string' ? value : JSON.stringify(value)}\``);
    }
    for (const key of Object.keys(pageSettingsSchema.shape).filter((k) => !(k in defaultPageSettings)))
      expect(rows.get(`\`${key}\``)?.[0], key).toBe('none');
  });
});
