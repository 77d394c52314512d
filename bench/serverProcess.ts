// The local server in a process of its own (bench/serve.ts), for the end-to-end benchmarks: the process being
// measured does only the client's work.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { MockScenario } from '../src/testing/server/scenario';

/** The server's process, its URL, and the size of one streamed response (of the Responses API). */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly bytesPerResponse: number;
  readonly eventsPerResponse: number;
  /** Ends the process (it stops when its stdin closes). */
  stop(): void;
}

/** Starts the local server serving `scenario` with images drawn from `seed`; resolves once it listens. */
export async function startServerProcess(scenario: MockScenario, seed: number): Promise<ServerProcess> {
  const script = fileURLToPath(new URL('./serve.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(scenario), String(seed)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server process exited (${code})`)));
  });
  return {
    child,
    ...(JSON.parse(first) as { url: string; bytesPerResponse: number; eventsPerResponse: number }),
    stop: () => {
      child.stdin?.end();
      child.kill();
    },
  };
}
