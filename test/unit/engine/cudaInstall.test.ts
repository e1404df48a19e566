import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { installCudaProvider, type CudaInstallOptions, type CudaInstallProgress } from '../../../src/core/engine/cuda/cudaInstall.js';
import { CudaInstallError } from '../../../src/core/engine/cuda/installError.js';
import { cudaProviderPackage, pinKey } from '../../../src/core/engine/cuda/providerPackage.js';
import { buildProviderNupkg, FakeNuget } from '../../helpers/fakeNuget.js';

const VERSION = '1.30.0';
const pkg = cudaProviderPackage(VERSION, 'linux', 'x64');
assert.ok(!('unsupported' in pkg));
let nupkg: Awaited<ReturnType<typeof buildProviderNupkg>>;
let sha512: string;
before(async () => {
  nupkg = await buildProviderNupkg(pkg.files);
  sha512 = createHash('sha512').update(nupkg.bytes).digest('base64');
});

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pasta-cuda-test-'));
  tempDirs.push(dir);
  return dir;
}
after(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function rejection(promise: Promise<unknown>): Promise<CudaInstallError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CudaInstallError, `expected a CudaInstallError, got ${error}`);
    assert.ok(!error.message.includes('\n'), `not one line: ${error.message}`);
    return error;
  }
  assert.fail('expected the install to fail');
}

describe('installCudaProvider against a loopback NuGet feed', () => {
  let feed: FakeNuget;
  let targetDir: string;
  let downloadDir: string;
  let options: CudaInstallOptions;

  beforeEach(async () => {
    feed = await FakeNuget.start([{ id: pkg.id, version: VERSION, bytes: nupkg.bytes }]);
    targetDir = tempDir();
    downloadDir = tempDir();
    options = { onnxruntimeVersion: VERSION, platform: 'linux', arch: 'x64', targetDir, downloadDir, feedUrl: feed.indexUrl, pins: {}, retryDelayMs: 1 };
  });
  afterEach(() => feed.close());

  const placedBytes = (file: string) => readFileSync(join(targetDir, file.split('/').pop()!));

  test('downloads the package, checks the hash the catalog publishes and places both provider files', async () => {
    const events: CudaInstallProgress[] = [];
    const result = await installCudaProvider({ ...options, onProgress: (p) => events.push(p) });
    assert.equal(result.verifiedBy, 'published');
    assert.equal(result.sha512, sha512);
    assert.deepEqual(readdirSync(targetDir).sort(), ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so']);
    for (const file of pkg.files) assert.ok(placedBytes(file).equals(nupkg.files.get(file)!), `${file} differs from the package's entry`);
    assert.deepEqual(readdirSync(downloadDir), [], 'the package is removed once its files are placed');
    const downloads = events.filter((e) => e.phase === 'download');
    assert.deepEqual(downloads.at(-1), { phase: 'download', done: nupkg.bytes.length, total: nupkg.bytes.length });
    assert.deepEqual([...new Set(events.map((e) => e.phase))], ['resolve', 'download', 'verify', 'extract']);
  });

  test('a pinned hash is used instead of the catalog, which is then not asked', async () => {
    const result = await installCudaProvider({ ...options, pins: { [pinKey(pkg)]: sha512 } });
    assert.equal(result.verifiedBy, 'pinned');
    assert.ok(!feed.requests.some((r) => r.path.includes('/catalog/') || r.path.includes('/registration/')));
  });

  test('resumes with a Range request after the connection is cut', async () => {
    feed.cut = { afterBytes: 50_000, times: 2 };
    await installCudaProvider(options);
    const ranges = feed.nupkgRequests().map((r) => r.headers.range);
    assert.equal(ranges[0], undefined);
    assert.match(ranges[1] ?? '', /^bytes=[1-9]\d*-$/);
    assert.equal(ranges.length, 3);
    for (const file of pkg.files) assert.ok(placedBytes(file).equals(nupkg.files.get(file)!));
  });

  test('a run that gives up keeps the partial download, and the next run resumes it', async () => {
    feed.cut = { afterBytes: 60_000, times: 1 };
    const error = await rejection(installCudaProvider({ ...options, retries: 0 }));
    assert.equal(error.kind, 'network');
    assert.match(error.message, /interrupted at \d+ bytes .*run again to resume/);
    const partial = readdirSync(downloadDir).find((f) => f.endsWith('.partial'));
    assert.ok(partial, 'the partial download is kept');
    const kept = statSync(join(downloadDir, partial)).size;
    assert.ok(kept > 0 && kept < nupkg.bytes.length, `kept ${kept} of ${nupkg.bytes.length}`);
    assert.deepEqual(readdirSync(targetDir), [], 'nothing is placed from an incomplete package');

    await installCudaProvider(options);
    assert.equal(feed.nupkgRequests().at(-1)?.headers.range, `bytes=${kept}-`);
    for (const file of pkg.files) assert.ok(placedBytes(file).equals(nupkg.files.get(file)!));
  });

  test('a package whose hash differs from the pin is discarded and nothing is placed', async () => {
    const wrong = createHash('sha512').update('another package').digest('base64');
    const error = await rejection(installCudaProvider({ ...options, pins: { [pinKey(pkg)]: wrong } }));
    assert.equal(error.kind, 'checksum');
    assert.match(error.message, /does not match the hash pinned for Microsoft\.ML\.OnnxRuntime\.Gpu\.Linux@1\.30\.0/);
    assert.deepEqual(readdirSync(targetDir), []);
    assert.deepEqual(readdirSync(downloadDir), [], 'the download was discarded');
  });

  test('a package whose hash differs from the one the catalog publishes is refused too', async () => {
    feed.publishedHash = createHash('sha512').update('another package').digest('base64');
    const error = await rejection(installCudaProvider(options));
    assert.equal(error.kind, 'checksum');
    assert.match(error.message, /does not match the hash .*index\.json publishes/);
    assert.deepEqual(readdirSync(targetDir), []);
  });

  test('a version the feed does not list is a not-found error naming package and version', async () => {
    const error = await rejection(installCudaProvider({ ...options, onnxruntimeVersion: '1.99.0' }));
    assert.equal(error.kind, 'not-found');
    assert.match(error.message, /has no Microsoft\.ML\.OnnxRuntime\.Gpu\.Linux 1\.99\.0/);
  });

  test('a 404 on the package file is a not-found error', async () => {
    feed.withholdPackage = true;
    const error = await rejection(installCudaProvider(options));
    assert.equal(error.kind, 'not-found');
    assert.match(error.message, /\.nupkg not found \(HTTP 404\)/);
  });

  test('a folder that cannot be written is refused before anything is downloaded', async () => {
    const error = await rejection(installCudaProvider({ ...options, targetDir: join(targetDir, 'missing') }));
    assert.equal(error.kind, 'io');
    assert.match(error.message, /cannot write to .*missing, the folder onnxruntime loads provider libraries from \(ENOENT\)/);
    assert.equal(feed.requests.length, 0);
  });

  test('a package without the provider files names the missing entry and places nothing', async () => {
    const other = await buildProviderNupkg([pkg.files[0]]);
    await feed.close();
    feed = await FakeNuget.start([{ id: pkg.id, version: VERSION, bytes: other.bytes }]);
    const error = await rejection(installCudaProvider({ ...options, feedUrl: feed.indexUrl }));
    assert.equal(error.kind, 'protocol');
    assert.match(error.message, /has no runtimes\/linux-x64\/native\/libonnxruntime_providers_cuda\.so/);
    assert.deepEqual(readdirSync(targetDir), [], 'no temporary or partial file is left');
  });
});

test('offline: one line naming the feed that cannot be reached', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  const targetDir = tempDir();
  const error = await rejection(
    installCudaProvider({
      onnxruntimeVersion: VERSION,
      platform: 'linux',
      arch: 'x64',
      targetDir,
      downloadDir: tempDir(),
      feedUrl: `http://127.0.0.1:${port}/v3/index.json`,
    }),
  );
  assert.equal(error.kind, 'network');
  assert.equal(error.message, `cannot reach http://127.0.0.1:${port}: ECONNREFUSED (is this machine offline?)`);
});

test('platforms without a CUDA provider package are refused with the reason', async () => {
  const error = await rejection(installCudaProvider({ onnxruntimeVersion: VERSION, platform: 'darwin', arch: 'arm64', targetDir: tempDir() }));
  assert.equal(error.kind, 'unsupported');
  assert.match(error.message, /x64 only \(this machine is darwin-arm64\)/);
  const windows = cudaProviderPackage(VERSION, 'win32', 'x64');
  assert.ok(!('unsupported' in windows));
  assert.deepEqual(windows.files, ['runtimes/win-x64/native/onnxruntime_providers_shared.dll', 'runtimes/win-x64/native/onnxruntime_providers_cuda.dll']);
});
