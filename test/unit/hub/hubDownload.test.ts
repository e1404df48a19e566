import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { downloadFromHub, type HubDownloadProgress } from '../../../src/core/model/hub/hub.js';
import { HubError } from '../../../src/core/model/hub/hubError.js';
import { FakeHub, safetensorsBytes, deterministicFloats, tinyBertRepoFiles } from '../../helpers/fakeHub.js';

const REPO = 'tiny-org/tiny-bert';
const DOWNLOADED = ['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.txt'];
const files = tinyBertRepoFiles();
const modelBytes = files['model.safetensors'] as Buffer;

const tempDirs: string[] = [];
function tempCache(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pasta-hub-test-'));
  tempDirs.push(dir);
  return dir;
}
after(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const repoDir = (cacheDir: string, repoId = REPO) => join(cacheDir, `models--${repoId.replace('/', '--')}`);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected the download to fail');
}

/** Tells the hub what the client holds, so that its cuts come once the bytes before them are written. */
const reportTo = (hub: FakeHub) => (p: HubDownloadProgress) => hub.received(p.file, p.fileBytesDone);

function assertOneLine(error: Error): void {
  assert.ok(error instanceof HubError, `expected a HubError, got ${error}`);
  assert.ok(!error.message.includes('\n'), `not one line: ${error.message}`);
}

describe('downloadFromHub against a loopback hub', () => {
  let hub: FakeHub;
  beforeEach(async () => {
    hub = await FakeHub.start([{ repoId: REPO, files }]);
  });
  afterEach(async () => {
    await hub.close();
  });

  test('downloads the encoder files into a huggingface_hub-style cache and reports progress', async () => {
    const cacheDir = tempCache();
    const progress: HubDownloadProgress[] = [];
    const dir = await downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir, token: '', onProgress: (p) => progress.push(p) });

    const commit = hub.commitOf(REPO);
    assert.equal(dir, join(repoDir(cacheDir), 'snapshots', commit));
    assert.deepEqual(readdirSync(dir).sort(), DOWNLOADED);
    for (const name of DOWNLOADED) assert.deepEqual(readFileSync(join(dir, name)), Buffer.from(files[name]), name);
    assert.equal(readFileSync(join(repoDir(cacheDir), 'refs', 'main'), 'utf8'), commit);

    // Snapshot entries link to blobs named by the hub's hash, as huggingface_hub lays them out.
    const link = join(dir, 'model.safetensors');
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.match(readlinkSync(link), /^\.\.\/\.\.\/blobs\/[0-9a-f]{64}$/);
    assert.ok(!readdirSync(join(repoDir(cacheDir), 'blobs')).some((name) => name.endsWith('.incomplete')));

    assert.ok(
      hub.requests.every((r) => r.headers['accept-encoding'] === 'identity'),
      'sizes and ranges refer to uncompressed bytes',
    );
    const requested = hub.requests.map((r) => r.path).join('\n');
    assert.doesNotMatch(requested, /pytorch_model\.bin|README\.md|onnx/);

    const total = DOWNLOADED.reduce((sum, name) => sum + Buffer.from(files[name]).length, 0);
    const last = progress.at(-1)!;
    assert.equal(last.bytesTotal, total);
    assert.equal(last.bytesDone, total);
    assert.ok(
      progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1].bytesDone),
      'overall progress never goes back',
    );
    const model = progress.filter((p) => p.file === 'model.safetensors');
    assert.ok(model.length > 2, 'the weights report progress while they stream');
    assert.equal(model.at(-1)!.fileBytesDone, modelBytes.length);
    assert.equal(model.at(-1)!.fileBytesTotal, modelBytes.length);
  });

  test('HF_ENDPOINT and HF_TOKEN are the defaults; a trailing slash on the endpoint is fine', async () => {
    hub.addRepo({ repoId: 'acme/gated-bert', files, token: 'hf_env' });
    const saved = { endpoint: process.env.HF_ENDPOINT, token: process.env.HF_TOKEN };
    process.env.HF_ENDPOINT = `${hub.url}/`;
    process.env.HF_TOKEN = 'hf_env';
    try {
      const dir = await downloadFromHub({ repoId: 'acme/gated-bert', cacheDir: tempCache() });
      assert.deepEqual(readFileSync(join(dir, 'config.json'), 'utf8'), files['config.json']);
      assert.ok(!hub.requests.some((r) => r.path.startsWith('//')));
    } finally {
      for (const [key, value] of [
        ['HF_ENDPOINT', saved.endpoint],
        ['HF_TOKEN', saved.token],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  test('a second call is served from the cache with the hub stopped', async () => {
    const cacheDir = tempCache();
    const first = await downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir });
    await hub.close();
    // The hub is closed: any request would fail, so success proves the cache served the call.
    const second = await downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir });
    assert.equal(second, first);
    const byCommit = await downloadFromHub({ repoId: REPO, revision: hub.commitOf(REPO), endpoint: hub.url, cacheDir });
    assert.equal(byCommit, first);
    hub = await FakeHub.start([]); // for afterEach
  });

  test('resumes with a Range request after the server cuts the connection mid-file', async () => {
    const cacheDir = tempCache();
    hub.cut = { file: 'model.safetensors', afterBytes: 50_000, times: 1 };
    const dir = await downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir, retryDelayMs: 10, onProgress: reportTo(hub) });
    const gets = hub.byteRequests('model.safetensors');
    assert.equal(gets.length, 2);
    assert.equal(gets[0].headers.range, undefined);
    assert.equal(gets[1].headers.range, 'bytes=50000-');
    assert.deepEqual(readFileSync(join(dir, 'model.safetensors')), modelBytes);
  });

  test('after retries run out, the error says how far it got and the next call resumes', async () => {
    const cacheDir = tempCache();
    hub.cut = { file: 'model.safetensors', afterBytes: 40_000, times: 2 };
    const error = await rejection(downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir, retries: 1, retryDelayMs: 10, onProgress: reportTo(hub) }));
    assertOneLine(error);
    const heldBytes = /model\.safetensors interrupted at (\d+) of \d+ bytes .*run again to resume/.exec(error.message)?.[1];
    assert.equal(heldBytes, '80000', error.message);
    assert.ok(!existsSync(join(repoDir(cacheDir), 'refs', 'main')));

    const dir = await downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir });
    assert.equal(hub.byteRequests('model.safetensors').at(-1)!.headers.range, `bytes=${heldBytes}-`);
    assert.deepEqual(readFileSync(join(dir, 'model.safetensors')), modelBytes);
  });

  test('a server that ignores Range gets the whole file written from the start', async () => {
    const cacheDir = tempCache();
    hub.cut = { file: 'model.safetensors', afterBytes: 30_000, times: 1 };
    hub.ignoreRange = true;
    const progress: HubDownloadProgress[] = [];
    const dir = await downloadFromHub({
      repoId: REPO,
      endpoint: hub.url,
      cacheDir,
      retryDelayMs: 10,
      onProgress: (p) => (progress.push(p), hub.received(p.file, p.fileBytesDone)),
    });
    const gets = hub.byteRequests('model.safetensors');
    assert.match(String(gets[1].headers.range), /^bytes=\d+-$/);
    assert.equal(gets.length, 2);
    assert.deepEqual(readFileSync(join(dir, 'model.safetensors')), modelBytes);
    assert.equal(progress.at(-1)!.fileBytesDone, modelBytes.length);
  });

  test('refuses an LFS file whose sha256 differs from X-Linked-Etag, naming the file', async () => {
    const cacheDir = tempCache();
    hub.wrongHashFor = 'model.safetensors';
    const error = await rejection(downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir }));
    assertOneLine(error);
    assert.equal((error as HubError).kind, 'checksum');
    assert.match(error.message, /checksum mismatch for tiny-org\/tiny-bert\/model\.safetensors/);
    assert.ok(!existsSync(join(repoDir(cacheDir), 'snapshots', hub.commitOf(REPO), 'model.safetensors')));
    assert.ok(!existsSync(join(repoDir(cacheDir), 'refs', 'main')));
    assert.deepEqual(
      readdirSync(join(repoDir(cacheDir), 'blobs')).filter((n) => n.endsWith('.incomplete')),
      [],
    );
  });

  test('refuses a plain file whose git blob sha1 differs from its ETag', async () => {
    hub.wrongHashFor = 'vocab.txt';
    const error = await rejection(downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir: tempCache() }));
    assertOneLine(error);
    assert.match(error.message, /checksum mismatch for tiny-org\/tiny-bert\/vocab\.txt/);
  });

  test('cancel leaves only the .incomplete file, and the next call resumes from it', async () => {
    const cacheDir = tempCache();
    hub.stall = { file: 'model.safetensors', afterBytes: 60_000 };
    const controller = new AbortController();
    const promise = downloadFromHub({
      repoId: REPO,
      endpoint: hub.url,
      cacheDir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.file === 'model.safetensors' && p.fileBytesDone >= 60_000) controller.abort();
      },
    });
    const error = await rejection(promise);
    assert.equal(error.name, 'AbortError');

    const blobs = readdirSync(join(repoDir(cacheDir), 'blobs'));
    const incomplete = blobs.filter((n) => n.endsWith('.incomplete'));
    assert.equal(incomplete.length, 1);
    assert.equal(readFileSync(join(repoDir(cacheDir), 'blobs', incomplete[0])).length, 60_000);
    assert.ok(!existsSync(join(repoDir(cacheDir), 'snapshots', hub.commitOf(REPO), 'model.safetensors')));
    assert.ok(!existsSync(join(repoDir(cacheDir), 'refs', 'main')));

    hub.stall = undefined;
    const dir = await downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir });
    assert.equal(hub.byteRequests('model.safetensors').at(-1)!.headers.range, 'bytes=60000-');
    assert.deepEqual(readFileSync(join(dir, 'model.safetensors')), modelBytes);
  });

  test('an already aborted signal rejects before any request', async () => {
    const error = await rejection(downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir: tempCache(), signal: AbortSignal.abort() }));
    assert.equal(error.name, 'AbortError');
    assert.equal(hub.requests.length, 0);
  });

  test('401 on a gated repository mentions HF_TOKEN; the right token downloads it', async () => {
    hub.addRepo({ repoId: 'acme/gated-bert', files, token: 'hf_secret' });
    const error = await rejection(downloadFromHub({ repoId: 'acme/gated-bert', endpoint: hub.url, cacheDir: tempCache(), token: '' }));
    assertOneLine(error);
    assert.equal((error as HubError).kind, 'auth');
    assert.match(error.message, /access to acme\/gated-bert denied \(HTTP 401\).*set HF_TOKEN/);

    const wrong = await rejection(downloadFromHub({ repoId: 'acme/gated-bert', endpoint: hub.url, cacheDir: tempCache(), token: 'hf_wrong' }));
    assert.match(wrong.message, /check that HF_TOKEN grants access/);

    const before = hub.requests.length;
    const dir = await downloadFromHub({ repoId: 'acme/gated-bert', endpoint: hub.url, cacheDir: tempCache(), token: 'hf_secret' });
    assert.deepEqual(readFileSync(join(dir, 'model.safetensors')), modelBytes);
    const sent = hub.requests.slice(before);
    assert.ok(sent.filter((r) => !r.cdn).every((r) => r.headers.authorization === 'Bearer hf_secret'));
    assert.ok(
      sent.some((r) => r.cdn),
      'the weights came from the CDN',
    );
    assert.ok(
      sent.filter((r) => r.cdn).every((r) => r.headers.authorization === undefined),
      'the token never reaches the CDN',
    );
  });

  test('404 messages name the missing repository or revision', async () => {
    const repoError = await rejection(downloadFromHub({ repoId: 'nobody/nothing', endpoint: hub.url, cacheDir: tempCache() }));
    assertOneLine(repoError);
    assert.equal((repoError as HubError).kind, 'not-found');
    assert.match(
      repoError.message,
      /repository nobody\/nothing not found on http:\/\/127\.0\.0\.1:\d+ \(HTTP 404\): check the id, or set HF_TOKEN if it is private/,
    );

    const revisionError = await rejection(downloadFromHub({ repoId: REPO, revision: 'v9', endpoint: hub.url, cacheDir: tempCache() }));
    assertOneLine(revisionError);
    assert.match(revisionError.message, /revision "v9" not found in tiny-org\/tiny-bert/);
  });

  test('a repository with only sharded pytorch_model-*.bin weights is refused with the reason before any download', async () => {
    const { 'model.safetensors': _weights, 'pytorch_model.bin': _bin, ...rest } = files;
    const shards = {
      'pytorch_model.bin.index.json': '{"weight_map": {}}',
      'pytorch_model-00001-of-00002.bin': 'pickle',
      'pytorch_model-00002-of-00002.bin': 'pickle',
    };
    hub.addRepo({ repoId: 'old/bin-only', files: { ...rest, ...shards } });
    const error = await rejection(downloadFromHub({ repoId: 'old/bin-only', endpoint: hub.url, cacheDir: tempCache() }));
    assertOneLine(error);
    assert.equal((error as HubError).kind, 'unsupported');
    assert.match(error.message, /old\/bin-only@main has only sharded pytorch_model-\*\.bin weights, which PASTA Studio does not read/);
    assert.ok(!hub.requests.some((r) => r.path.includes('pytorch_model')));
  });

  test('sharded safetensors: the index and every shard it names', async () => {
    const shard1 = safetensorsBytes({ a: { shape: [100], data: deterministicFloats(100, 7) } });
    const shard2 = safetensorsBytes({ b: { shape: [200], data: deterministicFloats(200, 8) } });
    const index = { metadata: { total_size: 1200 }, weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } };
    hub.addRepo({
      repoId: 'big/sharded',
      files: {
        'config.json': files['config.json'],
        'vocab.txt': files['vocab.txt'],
        'model.safetensors.index.json': JSON.stringify(index),
        'model-00001-of-00002.safetensors': shard1,
        'model-00002-of-00002.safetensors': shard2,
      },
    });
    const cacheDir = tempCache();
    const dir = await downloadFromHub({ repoId: 'big/sharded', endpoint: hub.url, cacheDir });
    assert.deepEqual(readFileSync(join(dir, 'model-00001-of-00002.safetensors')), shard1);
    assert.deepEqual(readFileSync(join(dir, 'model-00002-of-00002.safetensors')), shard2);
    await hub.close();
    assert.equal(await downloadFromHub({ repoId: 'big/sharded', endpoint: hub.url, cacheDir }), dir);
    hub = await FakeHub.start([]);
  });

  test('an index naming a shard outside the repository is refused', async () => {
    const index = { weight_map: { a: '../../../evil.safetensors' } };
    hub.addRepo({ repoId: 'bad/index', files: { 'config.json': '{}', 'model.safetensors.index.json': JSON.stringify(index) } });
    const error = await rejection(downloadFromHub({ repoId: 'bad/index', endpoint: hub.url, cacheDir: tempCache() }));
    assertOneLine(error);
    assert.match(error.message, /names an invalid shard file/);
  });

  test('a revision with slashes (refs/pr/1) is resolved through the API and recorded under refs/', async () => {
    hub.addRepo({ repoId: 'acme/pr-bert', files, branches: ['refs/pr/1'] });
    const cacheDir = tempCache();
    const dir = await downloadFromHub({ repoId: 'acme/pr-bert', revision: 'refs/pr/1', endpoint: hub.url, cacheDir });
    assert.ok(hub.requests.some((r) => r.path === '/api/models/acme/pr-bert/revision/refs%2Fpr%2F1'));
    assert.equal(readFileSync(join(repoDir(cacheDir, 'acme/pr-bert'), 'refs', 'refs', 'pr', '1'), 'utf8'), hub.commitOf('acme/pr-bert'));
    assert.ok(dir.endsWith(hub.commitOf('acme/pr-bert')));
  });

  test('an .incomplete file longer than the file is discarded, not appended to', async () => {
    const cacheDir = tempCache();
    const blobs = join(repoDir(cacheDir), 'blobs');
    mkdirSync(blobs, { recursive: true });
    const sha = createHash('sha256').update(modelBytes).digest('hex');
    writeFileSync(join(blobs, `${sha}.incomplete`), Buffer.alloc(modelBytes.length + 10));
    const dir = await downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir });
    assert.equal(hub.byteRequests('model.safetensors')[0].headers.range, undefined);
    assert.deepEqual(readFileSync(join(dir, 'model.safetensors')), modelBytes);
  });

  test('a blob already cached for another revision is linked, not downloaded again', async () => {
    const cacheDir = tempCache();
    await downloadFromHub({ repoId: REPO, endpoint: hub.url, cacheDir });
    const changed = { ...files, 'config.json': '{"model_type": "bert", "hidden_size": 32}' };
    await hub.close();
    hub = await FakeHub.start([{ repoId: REPO, files: changed }]);
    const dir = await downloadFromHub({ repoId: REPO, revision: hub.commitOf(REPO), endpoint: hub.url, cacheDir });
    assert.equal(hub.byteRequests('model.safetensors').length, 0);
    assert.deepEqual(readFileSync(join(dir, 'model.safetensors')), modelBytes);
    assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), changed['config.json']);
  });
});

describe('downloadFromHub without a server', () => {
  test('an unreachable endpoint is one line naming it', async () => {
    const closed = await FakeHub.start([]);
    const endpoint = closed.url;
    await closed.close();
    const error = await rejection(downloadFromHub({ repoId: REPO, endpoint, cacheDir: tempCache() }));
    assertOneLine(error);
    assert.equal((error as HubError).kind, 'network');
    assert.match(
      error.message,
      /^cannot reach http:\/\/127\.0\.0\.1:\d+: the connection was refused \(ECONNREFUSED\); check the network connection, or set HF_ENDPOINT to a hub mirror you can reach$/,
    );
  });

  test('malformed repository ids and revisions are refused before any request', async () => {
    for (const repoId of ['', '../etc', 'a/b/c', 'a--b/c', 'a/..']) {
      const error = await rejection(downloadFromHub({ repoId, endpoint: 'http://127.0.0.1:9', cacheDir: tempCache() }));
      assert.equal((error as HubError).kind, 'bad-argument', repoId);
    }
    const error = await rejection(downloadFromHub({ repoId: REPO, revision: '../x', endpoint: 'http://127.0.0.1:9', cacheDir: tempCache() }));
    assert.equal((error as HubError).kind, 'bad-argument');
  });

  test('a partial snapshot (weights missing) is not taken for a cached one', async () => {
    const cacheDir = tempCache();
    const snapshot = join(repoDir(cacheDir), 'snapshots', 'a'.repeat(40));
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(join(snapshot, 'config.json'), '{}');
    const error = await rejection(downloadFromHub({ repoId: REPO, revision: 'a'.repeat(40), endpoint: 'http://127.0.0.1:9', cacheDir }));
    assert.equal((error as HubError).kind, 'network');
  });
});
