import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

/** Gives up on a gateway that does not listen by then, with its output, rather than waiting for the test's timeout. */
const LISTEN_TIMEOUT_MS = 20_000;

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
