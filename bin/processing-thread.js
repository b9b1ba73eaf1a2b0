// The processing thread from the TypeScript sources (tests, `switchboard` through bin/): tsx's loader is registered
// per thread, so the worker registers it as bin/switchboard.js does. `npm start` runs dist/ without it.
import { register } from 'tsx/esm/api';

register();
await import('../src/processing/processing-thread.ts');
