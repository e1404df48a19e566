// `pasta preannotate` when things go wrong: one line saying why, nothing half-written, and the run resumable.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { startLoopbackChat, requestedText, type LoopbackChat } from './loopbackChat.js';

const REPO = join(import.meta.dirname, '../../..');
const TSX = pathToFileURL(createRequire(join(REPO, 'package.json')).resolve('tsx')).href;
const root = mkdtempSync(join(tmpdir(), 'pasta-preannotate-cli-'));
const servers: LoopbackChat[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(root, { recursive: true, force: true });
});

async function pasta(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', TSX, join(REPO, 'src', 'cli', 'main.ts'), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', TEST_KEY: 'sk-loopback' },
    });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function workspace(name: string, files: Record<string, string>): string {
  const ws = join(root, name);
  mkdirSync(ws);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(ws, file), text);
  return ws;
}

const suggestionsOf = (ws: string, file: string) => join(ws, '.pasta', 'suggestions', `${file}.json`);

describe('pasta preannotate on bad input', () => {
  it('stops with one line when the endpoint is down, writes nothing, and continues once it is up', async () => {
    const ws = workspace('down', { 'a.txt': 'Ada lives in London.\n', 'b.txt': 'Grace visits Paris.\n' });
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const down = await pasta(['preannotate', '--endpoint', `http://127.0.0.1:${port}/v1`, '--model', 'm', '--next', '5'], ws);
    assert.equal(down.status, 1);
    assert.match(
      down.stderr,
      /^error: stopped: cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions \(ECONNREFUSED\): is the server running\?; run the same command again to continue$/m,
    );
    assert.equal(existsSync(join(ws, '.pasta')), false);

    const server = await startLoopbackChat((request) => ({
      content: JSON.stringify({ entities: [{ text: /^\w+/.exec(requestedText(request))![0], label: 'person' }] }),
    }));
    servers.push(server);
    const up = await pasta(['preannotate', '--endpoint', server.url, '--model', 'm', '--api-key-env', 'TEST_KEY', '--next', '5'], ws);
    assert.equal(up.status, 0, up.stderr);
    assert.ok(existsSync(suggestionsOf(ws, 'a.txt')) && existsSync(suggestionsOf(ws, 'b.txt')));
    assert.equal(server.requests.length, 2);
    const again = await pasta(['preannotate', '--endpoint', server.url, '--model', 'm', '--next', '5'], ws);
    assert.equal(again.stdout, 'Every text file has annotations or suggestions already.\n');
  });

  it('reports a file whose answer is prose, writes the others, and exits 1', async () => {
    const ws = workspace('prose', { 'a.txt': 'Ada lives in London.\n', 'b.txt': 'Grace visits Paris.\n' });
    const server = await startLoopbackChat((request) =>
      requestedText(request).startsWith('Ada')
        ? { content: 'I found Ada, a person, and London, a place.' }
        : { content: '{"entities": [{"text": "Paris", "label": "location"}]}' },
    );
    servers.push(server);
    const run = await pasta(['preannotate', '--endpoint', server.url, '--model', 'm', 'a.txt', 'b.txt'], ws);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^a\.txt: failed, the model answered prose, not JSON: "I found Ada, a person, and London, a place\."$/m);
    assert.match(run.stdout, /^b\.txt: 1 suggestion$/m);
    assert.match(run.stderr, /^error: 1 file got no usable answer \(see above\); run again to retry them$/m);
    assert.equal(existsSync(suggestionsOf(ws, 'a.txt')), false);
    assert.equal(existsSync(suggestionsOf(ws, 'b.txt')), true);
  });

  it('refuses a missing endpoint, model or key variable, and --agreement before anything was accepted', async () => {
    const ws = workspace('usage', { 'a.txt': 'Ada.\n' });
    assert.match((await pasta(['preannotate', '--model', 'm', 'a.txt'], ws)).stderr, /--endpoint <url> is required/);
    assert.match(
      (await pasta(['preannotate', '--endpoint', 'http://127.0.0.1:9/v1', '--api-key-env', 'NOT_SET_ANYWHERE', '--model', 'm', 'a.txt'], ws)).stderr,
      /--api-key-env names NOT_SET_ANYWHERE, which is not set/,
    );
    const agreement = await pasta(['preannotate', '--agreement'], ws);
    assert.equal(agreement.status, 1);
    assert.match(agreement.stderr, /^error: .*no file has both language-model suggestions and accepted annotations/);
  });
});
