// `npm run demo`: streams an image generation and writes its previews and final images. See --help.
import { HELP, parseDemoArgs, UsageError } from './demo/args';
import { runDemo } from './demo/run';

async function main(): Promise<number> {
  let options: ReturnType<typeof parseDemoArgs>;
  try {
    options = parseDemoArgs(process.argv.slice(2), process.env, process.cwd());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`Error: ${error.message}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  // The first Ctrl-C cancels cleanly; a second one ends the process at once.
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return runDemo(options, { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
