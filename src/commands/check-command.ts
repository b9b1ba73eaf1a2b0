import { parseArgs } from 'node:util';
import { createAssistant } from '../assistants/create-assistant.ts';
import { flowFileProblem } from '../config/assistant-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { inspectConfig } from '../config/load-config.ts';
import { createLogger } from '../server/logger.ts';
import { describeConfig, secretBoxFor } from './runtime.ts';

/**
 * `switchboard check`: what `start` would refuse, found without starting. Reads the configuration and the secret keys,
 * and makes each configured page's assistant (a flow is read, checked and trained), then prints what it found. A
 * problem in the configuration stops none of the checks that do not need the part it is in (a variable unset in an
 * app's secret leaves the pages' flows and the secret key checked), so every problem comes in one run. Opens no
 * database and calls nothing: pages connected with Facebook Login are not checked.
 */
export async function run(argv: string[]): Promise<void> {
  parseArgs({ args: argv, options: {} });
  const { config, problems, broken } = inspectConfig();
  const logger = createLogger('silent');
  // Keys with a problem are reported once, above: a check of what was left of them would only repeat it.
  if (!broken.has('secret_keys')) {
    try {
      secretBoxFor(config, logger, { generate: false });
    } catch (error) {
      problems.push(...problemsOf(error));
    }
  }
  const assistants = [
    ...config.pages.map((page) => ({ subject: `page ${page.id}`, config: page.assistant })),
    { subject: 'connected_pages.assistant', config: config.connectedPages.assistant },
  ];
  for (const { subject, config: assistant } of assistants) {
    // A flow file that is missing was reported with the configuration's problems.
    if (flowFileProblem(assistant, process.cwd())) continue;
    try {
      await createAssistant(assistant ?? null, { fallbackText: () => '', env: process.env, logger });
    } catch (error) {
      problems.push(...problemsOf(error).map((problem) => `${subject}: ${problem}`));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  process.stdout.write(`${JSON.stringify(describeConfig(config), null, 2)}\nThe configuration is valid.\n`);
}

/** A flow's problems come one per line (`file:line: problem`). */
function problemsOf(error: unknown): string[] {
  if (error instanceof ConfigError) return error.problems;
  return (error instanceof Error ? error.message : String(error)).split('\n').filter((line) => line.trim() !== '');
}
