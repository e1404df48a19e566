// The `pasta` executable (bundled to dist/cli.js, started by bin/pasta.cjs).
import { runCli } from './run.js';

async function main(): Promise<number> {
  // Loaded here rather than imported above, so that a command module failing to load is an internal error
  // (exit 2 with a message) rather than an uncaught exception.
  const { COMMANDS } = await import('./registry.js');
  return runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }, COMMANDS);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const verbose = process.argv.includes('--verbose');
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // eslint-disable-next-line no-control-regex
    process.stderr.write(`internal error in pasta: ${message.replace(/[\u0000-\u001f]+/g, ' ')}\n`);
    process.stderr.write(`This is a bug; please report it with the command you ran${verbose ? '' : ' (run again with --verbose for the stack)'}.\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 2;
  },
);
