// `pasta <command> [flags]` -> an exit code: 0 success, 1 bad input (one line naming the file, the line and the
// problem), 2 internal error (the message and a request to report it; the stack with --verbose).
import { InputError } from '../core/data/types.js';
import { UsageError, type CliIo, type Command } from './command.js';
import { parseCommandArgs } from './flags.js';
import { commandHelp, topLevelHelp } from './help.js';
import { PASTA_STUDIO_VERSION } from '../core/adapter/adapterConfig.js';

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_INTERNAL = 2;

export async function runCli(argv: string[], io: CliIo, commands: readonly Command[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(topLevelHelp(commands, PASTA_STUDIO_VERSION));
    return EXIT_BAD_INPUT;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = topic === undefined ? undefined : commands.find((c) => c.name === topic);
    if (topic !== undefined && !command) return usageError(io, new UsageError(`unknown command ${JSON.stringify(topic)}`), commands);
    io.stdout.write(command ? commandHelp(command) : topLevelHelp(commands, PASTA_STUDIO_VERSION));
    return EXIT_OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${PASTA_STUDIO_VERSION}\n`);
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const problem = name.startsWith('-') ? `expected a command before ${name}` : `unknown command ${JSON.stringify(name)}`;
    return usageError(io, new UsageError(problem), commands);
  }

  const verbose = rest.includes('--verbose');
  try {
    const args = parseCommandArgs(command, rest, io.cwd);
    if (args.flags.help === true) {
      io.stdout.write(commandHelp(command));
      return EXIT_OK;
    }
    return (await command.run(args, io)) ?? EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, error, commands);
    if (error instanceof InputError) {
      io.stderr.write(`error: ${oneLine(error.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.stderr.write(`internal error in pasta ${command.name}: ${oneLine(message)}\n`);
    io.stderr.write(
      `This is a bug in PASTA Studio ${PASTA_STUDIO_VERSION}; please report it with the command you ran${verbose ? ' and the stack below' : ' (run again with --verbose for the stack)'}.\n`,
    );
    if (verbose && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return EXIT_INTERNAL;
  }
}

function usageError(io: CliIo, error: UsageError, commands: readonly Command[]): number {
  const where = error.command ? `pasta ${error.command}` : 'pasta';
  const hint = error.command ? `see pasta ${error.command} --help` : `commands: ${commands.map((c) => c.name).join(', ')}; see pasta --help`;
  io.stderr.write(`error: ${where}: ${oneLine(error.message)} (${hint})\n`);
  return EXIT_BAD_INPUT;
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}
