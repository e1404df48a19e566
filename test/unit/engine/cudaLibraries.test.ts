import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkCudaLibraries, CUDA_LIBRARIES, describeCudaLibraries } from '../../../src/core/engine/cuda/cudaLibraries.js';

const root = mkdtempSync(join(tmpdir(), 'pasta-cuda-libs-'));
after(() => rmSync(root, { recursive: true, force: true }));

function folderWith(name: string, files: string[]): string {
  const folder = join(root, name);
  mkdirSync(folder, { recursive: true });
  for (const file of files) writeFileSync(join(folder, file), 'stand-in');
  return folder;
}

const linuxFiles = CUDA_LIBRARIES.linux!.map((l) => l.file);
const ldconfigLine = (file: string, path: string) => `\t${file} (libc6,x86-64) => ${path}`;

test('every library found through LD_LIBRARY_PATH and the ldconfig cache: nothing missing', async () => {
  const onPath = folderWith(
    'all-on-path',
    linuxFiles.filter((f) => f !== 'libcuda.so.1'),
  );
  const cache = ["12 libs found in cache `/etc/ld.so.cache'", ldconfigLine('libcuda.so.1', '/usr/lib/x86_64-linux-gnu/libcuda.so.1')].join('\n');
  const report = await checkCudaLibraries({
    platform: 'linux',
    env: { LD_LIBRARY_PATH: `/nowhere:${onPath}` },
    ldconfigCache: cache,
    systemFolders: [],
    extraFolders: [],
  });
  assert.deepEqual(report.missing, []);
  assert.equal(report.libraries.find((l) => l.file === 'libcuda.so.1')?.via, 'ldconfig');
  assert.equal(report.libraries.find((l) => l.file === 'libcudnn.so.9')?.path, join(onPath, 'libcudnn.so.9'));
  assert.equal(describeCudaLibraries(report, 'linux'), 'CUDA 13 and cuDNN 9 libraries found');
});

test('a missing cuDNN 9 is named, with what it belongs to', async () => {
  const onPath = folderWith(
    'no-cudnn',
    linuxFiles.filter((f) => f !== 'libcudnn.so.9'),
  );
  const report = await checkCudaLibraries({ platform: 'linux', env: { LD_LIBRARY_PATH: onPath }, ldconfigCache: '', systemFolders: [], extraFolders: [] });
  assert.deepEqual(
    report.missing.map((l) => l.file),
    ['libcudnn.so.9'],
  );
  assert.equal(
    describeCudaLibraries(report, 'linux'),
    'libcudnn.so.9 (cuDNN 9) not found; install CUDA 13 and cuDNN 9 (or put their folders on LD_LIBRARY_PATH)',
  );
});

test('libraries only in a folder the loader does not search (pip nvidia wheels) come with the folder to add', async () => {
  const onPath = folderWith('driver-and-runtime', ['libcuda.so.1', 'libcudart.so.13', 'libcurand.so.10', 'libcufft.so.12']);
  const cublas = folderWith('site-packages/nvidia/cublas/lib', ['libcublas.so.13', 'libcublasLt.so.13']);
  const cudnn = folderWith('site-packages/nvidia/cudnn/lib', ['libcudnn.so.9']);
  const report = await checkCudaLibraries({
    platform: 'linux',
    env: { LD_LIBRARY_PATH: onPath },
    ldconfigCache: '',
    systemFolders: [],
    extraFolders: [cublas, cudnn],
  });
  assert.deepEqual(
    report.missing.map((l) => [l.file, l.via]),
    [
      ['libcublas.so.13', 'not-on-loader-path'],
      ['libcublasLt.so.13', 'not-on-loader-path'],
      ['libcudnn.so.9', 'not-on-loader-path'],
    ],
  );
  assert.deepEqual(report.folderHints, [cublas, cudnn]);
  assert.match(describeCudaLibraries(report, 'linux'), new RegExp(`; add ${cublas}:${cudnn} to LD_LIBRARY_PATH before starting$`));
});

test('32-bit entries of the ldconfig cache do not count', async () => {
  const cache = linuxFiles.map((f) => ldconfigLine(f, `/usr/lib/i386-linux-gnu/${f}`).replace('x86-64', 'i386')).join('\n');
  const report = await checkCudaLibraries({ platform: 'linux', env: {}, ldconfigCache: cache, systemFolders: [], extraFolders: [] });
  assert.equal(report.missing.length, linuxFiles.length);
});
