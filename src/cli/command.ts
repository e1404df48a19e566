// What a `pasta` command is: a name, a summary, its flags and positionals (which --help documents), and run().
// Each command lives in its own file under commands/ and is listed once in registry.ts.

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** One letter, for "-x". */
  short?: string;
  description: string;
  /** Shown in --help after the flag, e.g. "<file>"; defaults to "<value>" for string flags. */
  valueName?: string;
  /** The allowed values of a string flag; anything else is a usage error. */
  choices?: readonly string[];
  /** Shown in --help; the command applies it (so that "not given" stays distinguishable). */
  defaultText?: string;
  /** A string flag that may be given more than once. */
  multiple?: boolean;
}

export interface PositionalSpec {
  name: string;
  description: string;
  optional?: boolean;
  /** Takes every remaining argument. */
  variadic?: boolean;
}

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The folder relative paths on the command line are resolved against. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export type FlagValue = string | boolean | string[] | undefined;

export interface ParsedArgs {
  flags: Record<string, FlagValue>;
  positionals: string[];
  /** Absolute workspace root: --workspace, else the current folder. */
  workspace: string;
  verbose: boolean;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Paragraphs for the command's --help, after the usage line. */
  description?: string;
  positionals?: PositionalSpec[];
  flags: Record<string, FlagSpec>;
  /** Subcommands are parsed by the command itself from its positionals (e.g. "adapters list"). */
  run(args: ParsedArgs, io: CliIo): Promise<number | void>;
}

/** A mistake on the command line: exit code 1 with the message and a pointer to --help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}

export function stringListFlag(args: ParsedArgs, name: string): string[] {
  const value = args.flags[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}
