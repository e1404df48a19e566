import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GLOBAL_FLAGS } from '../../../src/cli/flags.js';
import { COMMANDS } from '../../../src/cli/registry.js';
import { runPasta } from './runPasta.js';

const cwd = mkdtempSync(join(tmpdir(), 'pasta-cli-help-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

describe('pasta --help', () => {
  it('lists every command, the global flags and the exit codes', () => {
    const { status, stdout, stderr } = runPasta(['--help'], { cwd });
    assert.equal(status, 0);
    assert.equal(stderr, '');
    assert.match(stdout, /^pasta \d+\.\d+\.\d+: /);
    for (const command of COMMANDS)
      assert.match(stdout, new RegExp(`^  ${command.name} +${command.summary.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    for (const flag of Object.keys(GLOBAL_FLAGS)) assert.ok(stdout.includes(`--${flag}`), flag);
    assert.match(stdout, /Exit codes:\n  0  success\n  1  bad input: one line naming the file, the line and the problem\n  2  internal error/);
  });

  it('documents every flag of every command, with its choices and default', () => {
    for (const command of COMMANDS) {
      const { status, stdout, stderr } = runPasta([command.name, '--help'], { cwd });
      assert.equal(status, 0, command.name);
      assert.equal(stderr, '');
      assert.ok(stdout.startsWith(`pasta ${command.name}: ${command.summary}\n\nUsage: pasta ${command.name}`), stdout.slice(0, 200));
      const flat = stdout.replace(/\s+/g, ' ');
      for (const [name, spec] of Object.entries({ ...command.flags, ...GLOBAL_FLAGS })) {
        assert.ok(stdout.includes(`--${name}`), `${command.name} --${name}`);
        assert.ok(flat.includes(spec.description.replace(/\s+/g, ' ')), `${command.name} --${name} description`);
        if (spec.choices) assert.ok(flat.includes(`one of: ${spec.choices.join(', ')}`), `${command.name} --${name} choices`);
        if (spec.defaultText) assert.ok(flat.includes(`default: ${spec.defaultText.replace(/\s+/g, ' ')}`), `${command.name} --${name} default`);
      }
      for (const positional of command.positionals ?? []) assert.ok(stdout.includes(`<${positional.name}>`), `${command.name} <${positional.name}>`);
    }
  });

  it('"pasta help <command>" is "pasta <command> --help"; --version prints the version', () => {
    const viaHelp = runPasta(['help', 'export'], { cwd });
    assert.equal(viaHelp.status, 0);
    assert.equal(viaHelp.stdout, runPasta(['export', '-h'], { cwd }).stdout);
    const version = runPasta(['--version'], { cwd });
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

describe('usage errors exit 1 with one line', () => {
  it('no command prints the help on stderr', () => {
    const { status, stdout, stderr } = runPasta([], { cwd });
    assert.equal(status, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^pasta \d/);
  });

  it('unknown commands, flags, values and missing arguments', () => {
    const cases: [string[], string][] = [
      [['bogus'], `error: pasta: unknown command "bogus" (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see pasta --help)\n`],
      [['import', '--bogus', 'x.conll'], 'error: pasta import: unknown flag --bogus (see pasta import --help)\n'],
      [['import', 'x.conll', '--format'], 'error: pasta import: --format needs a value (see pasta import --help)\n'],
      [['import', 'x.conll', '--force=yes'], 'error: pasta import: --force takes no value (see pasta import --help)\n'],
      [['import', 'x.conll', '--scheme', 'BILOU'], 'error: pasta import: --scheme must be one of IOB2, IOB1, BIOES, not "BILOU" (see pasta import --help)\n'],
      [['import'], 'error: pasta import: missing <file> (see pasta import --help)\n'],
      [['import', 'a', 'b'], 'error: pasta import: unexpected argument "b" (see pasta import --help)\n'],
      [['export'], 'error: pasta export: --out <file> is required ("-" for stdout) (see pasta export --help)\n'],
      [['adapters', 'frobnicate'], 'error: pasta adapters: unknown action "frobnicate"; expected list, show, use, remove (see pasta adapters --help)\n'],
      [['adapters', 'use'], "error: pasta adapters: use needs the adapter's name (see pasta adapters --help)\n"],
    ];
    for (const [args, expected] of cases) {
      const { status, stdout, stderr } = runPasta(args, { cwd });
      assert.equal(stderr, expected, args.join(' '));
      assert.equal(status, 1, args.join(' '));
      assert.equal(stdout, '');
    }
  });
});
