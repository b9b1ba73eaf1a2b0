/** Baseline (a): verify the signature, parse the JSON, answer 200. The ceiling of any webhook server. */
import { startBaselineServer } from './baseline-server.ts';

startBaselineServer({ onEvents: () => {} });
