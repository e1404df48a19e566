import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { nulByteProblem, readTextFile } from '../../../src/core/util/readTextFile.js';

const dir = mkdtempSync(join(tmpdir(), 'pasta-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('readTextFile', () => {
  it('reads a file and names the file when it cannot', async () => {
    const path = join(dir, 'small.txt');
    writeFileSync(path, 'hello');
    assert.equal(await readTextFile(path), 'hello');
    await assert.rejects(readTextFile(path, 4), { message: `${path}: is 5 bytes, more than the 4 a dataset may have` });
    await assert.rejects(readTextFile(join(dir, 'nope.conll')), { message: `${join(dir, 'nope.conll')}: no such file` });
    await assert.rejects(readTextFile(dir), { message: `${dir}: is a directory, not a file` });
  });

  it('tells UTF-16 text (by its byte-order mark) from a binary file, and gives the line of the first NUL', () => {
    const utf16 = (bom: number[], encoding: 'utf16le') => Buffer.concat([Buffer.from(bom), Buffer.from('John\nParis\n', encoding)]);
    assert.deepEqual(nulByteProblem(utf16([0xff, 0xfe], 'utf16le')), { problem: 'is UTF-16 text; save it as UTF-8' });
    assert.deepEqual(nulByteProblem(Buffer.from([0xfe, 0xff, 0x00, 0x4a])), { problem: 'is UTF-16 text; save it as UTF-8' });
    assert.deepEqual(nulByteProblem(Buffer.from('one\ntwo\nth\0ree\n')), { line: 3, problem: 'is a binary file (it holds NUL bytes)' });
    assert.deepEqual(nulByteProblem(Buffer.from('\0'), 'stream'), { line: 1, problem: 'is a binary stream (it holds NUL bytes)' });
    assert.equal(nulByteProblem(Buffer.from('plain text, é and 😀\n')), undefined);
  });
});
