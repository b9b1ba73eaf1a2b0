import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../server/logger.ts';
import { createSwitchboard } from '../switchboard.ts';
import {
  closeOnSignals,
  describeConfig,
  exitOnFatal,
  explainListenError,
  gatewayAddress,
  secretBoxFor,
} from './runtime.ts';

/** `switchboard start`: the production gateway. */
export async function run(argv: string[]): Promise<void> {
  // No flags: a `--port 4000` ignored would start the gateway where the operator did not ask. Settings come from the
  // environment and switchboard.yaml.
  parseArgs({ args: argv, options: {} });
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  logger.info({ config: describeConfig(config) }, 'effective configuration');
  const switchboard = await createSwitchboard({
    config,
    secretBox: secretBoxFor(config, logger, { generate: false }),
    logger,
    processingThread: true,
    onFatal: exitOnFatal,
  });
  const url = await switchboard.listen().catch(explainListenError(gatewayAddress(config)));
  logger.info({ url, processingThread: switchboard.processingThread }, 'switchboard is listening');
  closeOnSignals(logger, switchboard);
}
