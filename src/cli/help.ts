// --help text: every flag of every command, with its values and default, generated from the command specs so
// that help and parsing never disagree.
import type { Command, FlagSpec } from './command.js';
import { GLOBAL_FLAGS } from './flags.js';

export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  success',
  '  1  bad input: one line naming the file, the line and the problem',
  '  2  internal error (please report it; --verbose shows the stack)',
];

export function commandHelp(command: Command): string {
  const positionals = (command.positionals ?? []).map((p) => {
    const name = `<${p.name}>${p.variadic ? '...' : ''}`;
    return p.optional ? `[${name}]` : name;
  });
  const lines = [
    `pasta ${command.name}: ${command.summary}`,
    '',
    `Usage: pasta ${command.name}${positionals.length ? ` ${positionals.join(' ')}` : ''} [flags]`,
  ];
  if (command.description) lines.push('', ...wrap(command.description, 100));
  if (command.positionals?.length) {
    lines.push('', 'Arguments:', ...table(command.positionals.map((p) => [`<${p.name}>`, p.description])));
  }
  if (Object.keys(command.flags).length > 0) lines.push('', 'Flags:', ...flagTable(command.flags));
  lines.push('', 'Global flags:', ...flagTable(GLOBAL_FLAGS), '', ...EXIT_CODES_HELP);
  return `${lines.join('\n')}\n`;
}

export function topLevelHelp(commands: readonly Command[], version: string): string {
  const lines = [
    `pasta ${version}: train and use PASTA adapters (frozen encoder + special-token vectors) from the command line`,
    '',
    'Usage: pasta <command> [flags]',
    '',
    'Commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    'Global flags:',
    ...flagTable({ ...GLOBAL_FLAGS, version: { type: 'boolean', description: 'Print the version' } }),
    '',
    'Run "pasta <command> --help" for the flags of a command.',
    '',
    ...EXIT_CODES_HELP,
  ];
  return `${lines.join('\n')}\n`;
}

function flagTable(flags: Record<string, FlagSpec>): string[] {
  return table(
    Object.entries(flags).map(([name, spec]) => {
      const value = spec.type === 'string' ? ` ${spec.valueName ?? '<value>'}` : '';
      const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${value}`;
      const extras: string[] = [];
      if (spec.choices) extras.push(`one of: ${spec.choices.join(', ')}`);
      if (spec.defaultText) extras.push(`default: ${spec.defaultText}`);
      if (spec.multiple) extras.push('may be repeated');
      return [left, `${spec.description}${extras.length ? ` (${extras.join('; ')})` : ''}`];
    }),
  );
}

function table(rows: string[][]): string[] {
  const width = Math.min(32, Math.max(...rows.map((r) => r[0].length)));
  return rows.flatMap(([left, right]) => {
    const text = wrap(right, 100 - width - 4);
    const first = left.length > width ? [`  ${left}`, `  ${' '.repeat(width)}  ${text[0]}`] : [`  ${left.padEnd(width)}  ${text[0]}`];
    return [...first, ...text.slice(1).map((t) => `  ${' '.repeat(width)}  ${t}`)];
  });
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}
