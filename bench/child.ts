// A benchmark part run in a child process of its own (a fresh heap, one pinned CPU, other V8 flags), which
// prints its result as JSON on the last line of its stdout.
import { spawn } from 'node:child_process';

/** Runs `argv` and parses the last line it printed; `what` names it when it exits with a failure. */
export async function lastJsonLineOf<T>(
  argv: readonly string[],
  what: string,
  env?: NodeJS.ProcessEnv,
): Promise<T> {
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], ...(env ? { env } : {}) });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${what} exited with ${code}`);
  return JSON.parse(output.trim().split('\n').at(-1) as string) as T;
}
