import { readFile } from 'node:fs/promises';
import { createFlowAssistant, type FlowAssistant } from './flow-assistant.ts';
import { parseFlow } from './parse-flow.ts';

/**
 * Reads, validates and builds a flow assistant from a YAML file. Rejects with `FlowValidationError`
 * (messages start with the path as given) when the file is invalid, or with the file system's error.
 */
export async function loadFlowAssistant(path: string): Promise<FlowAssistant> {
  const text = await readFile(path, 'utf8');
  return createFlowAssistant(parseFlow(text, path));
}
