// Command-line parsing with node:util parseArgs, plus what it leaves to us: the flags every command shares,
// allowed values, and one-line usage errors.
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type Command, type FlagSpec, type ParsedArgs } from './command.js';

export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  workspace: { type: 'string', short: 'w', valueName: '<dir>', description: 'The workspace root, which holds .pasta/', defaultText: 'the current folder' },
  verbose: { type: 'boolean', description: 'Say more, and print the stack trace of an internal error' },
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
};

export function parseCommandArgs(command: Command, argv: string[], cwd: string): ParsedArgs {
  const specs = { ...GLOBAL_FLAGS, ...command.flags };
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }), command.name);
  }
  for (const [name, spec] of Object.entries(specs)) {
    const value = parsed.values[name];
    if (spec.choices && value !== undefined) {
      for (const one of Array.isArray(value) ? value : [value]) {
        if (!spec.choices.includes(String(one))) {
          throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}, not ${JSON.stringify(one)}`, command.name);
        }
      }
    }
    if (spec.type === 'string' && value === '') throw new UsageError(`--${name} needs a non-empty value`, command.name);
  }
  const help = parsed.values.help === true;
  if (!help) checkPositionals(command, parsed.positionals);
  const workspace = parsed.values.workspace;
  return {
    flags: { ...parsed.values } as ParsedArgs['flags'],
    positionals: parsed.positionals,
    workspace: resolve(cwd, typeof workspace === 'string' ? workspace : '.'),
    verbose: parsed.values.verbose === true,
  };
}

function checkPositionals(command: Command, positionals: string[]): void {
  const specs = command.positionals ?? [];
  const required = specs.filter((p) => !p.optional).length;
  const variadic = specs.some((p) => p.variadic);
  if (positionals.length < required) {
    const missing = specs.filter((p) => !p.optional)[positionals.length];
    throw new UsageError(`missing <${missing.name}>`, command.name);
  }
  if (!variadic && positionals.length > specs.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[specs.length])}`, command.name);
  }
}

/** parseArgs explains itself over several lines and suggests "--" tricks; one line of what went wrong is enough. */
function describeParseError(error: Error & { code?: string }): string {
  const option = /--[\w-]+/.exec(error.message)?.[0] ?? /'(-[^' ,]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${option ?? error.message.split('\n')[0]}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return error.message.includes('argument missing') ? `${option ?? 'a flag'} needs a value` : `${option ?? 'a flag'} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return error.message.split('\n')[0];
    default:
      return error.message.split('\n')[0];
  }
}
