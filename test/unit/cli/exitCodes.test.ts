// The framework's contract, in process: what each kind of failure prints and which code it exits with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CliIo, Command } from '../../../src/cli/command.js';
import { runCli } from '../../../src/cli/run.js';
import { InputError } from '../../../src/core/data/types.js';

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: { write: (text: string) => (io.out += text) },
    stderr: { write: (text: string) => (io.err += text) },
    cwd: '/',
    env: {},
  };
  return io;
}

const failing = (error: unknown): Command => ({
  name: 'fail',
  summary: 'Fails',
  flags: { level: { type: 'string', choices: ['a', 'b'], description: 'A level' } },
  async run() {
    throw error;
  },
});

describe('runCli exit codes', () => {
  it('0 for success, with the parsed flags, positionals and workspace', async () => {
    const io = capture();
    const seen: unknown[] = [];
    const ok: Command = {
      name: 'ok',
      summary: 'Succeeds',
      positionals: [{ name: 'files', description: 'Files', variadic: true, optional: true }],
      flags: { level: { type: 'string', short: 'l', description: 'A level' }, dry: { type: 'boolean', description: 'Dry' } },
      async run(args) {
        seen.push(args);
      },
    };
    assert.equal(await runCli(['ok', 'a', '-l', 'x', 'b', '--dry', '-w', 'ws'], io, [ok]), 0);
    assert.deepEqual(JSON.parse(JSON.stringify(seen)), [
      { flags: { level: 'x', dry: true, workspace: 'ws' }, positionals: ['a', 'b'], workspace: '/ws', verbose: false },
    ]);
  });

  it('1 for an InputError: one line naming the file, the line and the problem', async () => {
    const io = capture();
    assert.equal(await runCli(['fail'], io, [failing(new InputError('data/train.conll', 12, 'tag "X" is neither O nor B- or I-<label>'))]), 1);
    assert.equal(io.err, 'error: data/train.conll:12: tag "X" is neither O nor B- or I-<label>\n');
    assert.equal(io.out, '');
  });

  it('2 for anything else: the message and a request to report it, the stack only with --verbose', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'shape')");
    const quiet = capture();
    assert.equal(await runCli(['fail'], quiet, [failing(bug)]), 2);
    assert.equal(
      quiet.err,
      "internal error in pasta fail: TypeError: Cannot read properties of undefined (reading 'shape')\n" +
        'This is a bug in PASTA Studio 0.1.0; please report it with the command you ran (run again with --verbose for the stack).\n',
    );
    const verbose = capture();
    assert.equal(await runCli(['fail', '--verbose'], verbose, [failing(bug)]), 2);
    assert.match(verbose.err, /and the stack below\.\nTypeError: Cannot read properties.*\n\s+at /);
  });

  it('--help of a command wins over its other flags and missing arguments', async () => {
    const io = capture();
    assert.equal(await runCli(['fail', '--help'], io, [failing(new Error('never'))]), 0);
    assert.match(io.out, /^pasta fail: Fails\n\nUsage: pasta fail \[flags\]\n/);
    assert.match(io.out, /--level <value> +A level \(one of: a, b\)/);
  });
});
