import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { bundledOnnxruntimeVersion } from '../../../src/core/engine/cuda/cudaInstall.js';
import { cudaProviderPackage } from '../../../src/core/engine/cuda/providerPackage.js';
import { buildProviderNupkg, FakeNuget } from '../../helpers/fakeNuget.js';
import { REPO, runPasta, type PastaResult } from './runPasta.js';

const root = mkdtempSync(join(tmpdir(), 'pasta-gpu-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

const TSX = pathToFileURL(createRequire(join(REPO, 'package.json')).resolve('tsx')).href;

/** The CLI in a child process without blocking this one, which serves the feed. */
function pastaAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<PastaResult> {
  const child = spawn(process.execPath, ['--import', TSX, join(REPO, 'src', 'cli', 'main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

const linuxPackage = cudaProviderPackage(bundledOnnxruntimeVersion(), 'linux', 'x64');
assert.ok(!('unsupported' in linuxPackage));
const pkg = linuxPackage;
let feed: FakeNuget;
let nupkg: Awaited<ReturnType<typeof buildProviderNupkg>>;
before(async () => {
  nupkg = await buildProviderNupkg(pkg.files);
  feed = await FakeNuget.start([{ id: pkg.id, version: pkg.version, bytes: nupkg.bytes }]);
});
after(() => feed?.close());

test(
  'pasta gpu install cuda places the provider files, says how they were checked and what CUDA libraries lack',
  { skip: process.platform !== 'linux' || process.arch !== 'x64' ? 'the CUDA package is for linux-x64 and win-x64' : false },
  async () => {
    const target = mkdtempSync(join(root, 'native-'));
    const result = await pastaAsync(['gpu', 'install', 'cuda', '--feed', feed.indexUrl, '--target', target], {
      PASTA_CACHE_DIR: join(root, 'cache'),
      LD_LIBRARY_PATH: '',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(readdirSync(target).sort(), ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so']);
    for (const entry of pkg.files) assert.ok(readFileSync(join(target, entry.split('/').pop()!)).equals(nupkg.files.get(entry)!));
    const lines = result.stdout.trim().split('\n');
    assert.match(
      lines[0],
      new RegExp(
        `^Installed the CUDA provider of onnxruntime ${pkg.version.replace(/\./g, '\\.')} from Microsoft\\.ML\\.OnnxRuntime\\.Gpu\\.Linux, SHA-512 checked against the hash the NuGet catalog publishes`,
      ),
    );
    assert.deepEqual(lines.slice(1, 3), [`  ${join(target, 'libonnxruntime_providers_shared.so')}`, `  ${join(target, 'libonnxruntime_providers_cuda.so')}`]);
    // This machine may or may not have CUDA; either way the last line says which, naming what is missing.
    assert.match(
      lines[3],
      /^(CUDA 13 and cuDNN 9 libraries found: --device cuda \(and auto\) can use the GPU\.|The provider will not load until this is fixed: lib\S+ \(.+\) (not found|is in ))/,
    );
    assert.match(result.stderr, /Downloading: 100% \(0\.4 of 0\.4 MB\)/);
    const sha512 = createHash('sha512').update(nupkg.bytes).digest('base64');
    const json = await pastaAsync(['gpu', 'install', 'cuda', '--feed', feed.indexUrl, '--target', target, '--json'], { PASTA_CACHE_DIR: join(root, 'cache') });
    assert.equal(json.status, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).sha512, sha512);
    assert.equal(json.stderr, '');
  },
);

test('offline: exit 1 with one line naming the feed', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  const result = await pastaAsync(['gpu', 'install', 'cuda', '--json', '--target', root], { PASTA_NUGET_INDEX: `http://127.0.0.1:${port}/v3/index.json` });
  assert.equal(result.status, 1);
  assert.equal(result.stderr, `error: pasta gpu install cuda: cannot reach http://127.0.0.1:${port}: ECONNREFUSED (is this machine offline?)\n`);
});

test('anything but "install cuda" is a usage error', () => {
  const result = runPasta(['gpu', 'install', 'rocm'], { cwd: root });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^error: pasta gpu: cannot install "rocm"; expected cuda \(see pasta gpu --help\)\n$/);
});
