import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { APP_ID, PAGE_ID } from './gateway-harness.ts';

const CLI = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

/** Gives up on a gateway that does not listen by then, with its output, rather than waiting for the test's timeout. */
const LISTEN_TIMEOUT_MS = 20_000;

/**
 * The environment of a gateway process for the harness's app and page, answering with the bot at `assistantUrl`, as
 * `switchboard start` reads it from the variables alone.
 */
export function gatewayProcessEnv(o: {
  databaseUrl: string;
  graphUrl: string;
  appSecret: string;
  pageToken: string;
  verifyToken: string;
  assistantUrl: string;
}): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: o.databaseUrl,
    GRAPH_API_URL: o.graphUrl,
    FB_APP_ID: APP_ID,
    FB_APP_SECRET: o.appSecret,
    FB_VERIFY_TOKEN: o.verifyToken,
    FB_PAGE_ID: PAGE_ID,
    FB_PAGE_ACCESS_TOKEN: o.pageToken,
    SWITCHBOARD_ASSISTANT: o.assistantUrl,
    SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('base64'),
  };
}

/**
 * Starts `switchboard start` as a process of its own with `env` (test support); resolves with it and its URL once it
 * listens. Each process is added to `children`, for the suite to kill at its end.
 */
export function startGatewayProcess(
  env: Record<string, string>,
  children: ChildProcess[],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const late = setTimeout(
      () => reject(new Error(`gateway not listening after ${LISTEN_TIMEOUT_MS / 1000} s:\n${output}`)),
      LISTEN_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*switchboard is listening/.exec(output);
      if (match?.[1]) {
        clearTimeout(late);
        resolve({ child, url: match[1] });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(late);
      reject(new Error(`gateway exited with ${code}:\n${output}`));
    });
  });
}

/** Kills the gateway with `signal` and waits for it to be gone. */
export async function stopGatewayProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
