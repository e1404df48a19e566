import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFileAtomic } from '../../../src/core/util/atomicWrite.js';

const dir = mkdtempSync(join(tmpdir(), 'pasta-atomic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes and replaces a file, leaving no temp file behind', async () => {
    const path = join(dir, 'data.txt');
    await writeFileAtomic(path, 'first');
    assert.equal(readFileSync(path, 'utf8'), 'first');
    await writeFileAtomic(path, new TextEncoder().encode('second 😂'));
    assert.equal(readFileSync(path, 'utf8'), 'second 😂');
    assert.deepEqual(readdirSync(dir), ['data.txt']);
  });

  it('keeps the old file and cleans up when the rename fails', async () => {
    const sub = join(dir, 'sub');
    const target = join(sub, 'target');
    // A non-empty directory at the target path makes rename fail after the temp file is written.
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'inside'), 'old');
    await assert.rejects(writeFileAtomic(target, 'new'));
    assert.deepEqual(readdirSync(sub), ['target']);
    assert.equal(readFileSync(join(target, 'inside'), 'utf8'), 'old');
  });

  it('creates missing parent directories', async () => {
    const path = join(dir, 'new', 'deeper', 'x.txt');
    await writeFileAtomic(path, 'x');
    assert.equal(readFileSync(path, 'utf8'), 'x');
  });

  it('fails with the path when the parent is a file', async () => {
    writeFileSync(join(dir, 'plain'), '');
    await assert.rejects(writeFileAtomic(join(dir, 'plain', 'x.txt'), 'x'), /plain/);
  });
});
