import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../src/assistants');
const files = [
  join(root, 'generic-response-schema.ts'),
  ...['http', 'llm'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(root, dir, name)),
  ),
];

it.each(files.map((file) => [file.slice(root.length + 1), file]))(
  '%s imports nothing from messenger/, storage/ or Fastify (the domain stays channel-neutral)',
  (_name, file) => {
    const imports = [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1] ?? '');
    expect(imports.filter((source) => /messenger\/|storage\/|fastify/.test(source))).toEqual([]);
  },
);
