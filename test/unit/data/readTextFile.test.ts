import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readTextFile } from '../../../src/core/util/readTextFile.js';

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
});
