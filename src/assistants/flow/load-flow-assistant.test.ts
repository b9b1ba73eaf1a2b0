import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowValidationError } from './flow-validation-error.ts';
import { loadFlowAssistant } from './load-flow-assistant.ts';

describe('loadFlowAssistant', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flow-load-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds an assistant from a YAML file', async () => {
    const file = join(dir, 'hello.yaml');
    await writeFile(file, 'actions:\n  - id: hi\n    examples: [hello]\n    steps: [{say: "Hello!"}]\n');
    const assistant = await loadFlowAssistant(file);
    expect(assistant.name).toBe('hello');
    expect(assistant.understand('helo').action).toBe('hi');
  });

  it('rejects an invalid file with messages that start with its path and line', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'actions:\n  - id: hi\n    steps:\n      - ask: {text: "?"}\n');
    const error = await loadFlowAssistant(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowValidationError);
    expect((error as Error).message).toBe(`${file}:4: step "ask" needs "variable"`);
  });

  it('passes on the file system error for a missing file', async () => {
    await expect(loadFlowAssistant(join(dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
