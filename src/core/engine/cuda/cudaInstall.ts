// `pasta gpu install cuda`: fetches onnxruntime's CUDA provider libraries of exactly the bundled version from
// the NuGet package onnxruntime-node's own installer uses, checks the package's SHA-512, and places the files
// next to libonnxruntime, where onnxruntime looks for provider libraries.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { access, constants, mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pastaCacheDir } from '../../model/hub/cacheDir.js';
import { nativeBinaryDir } from '../device.js';
import { CudaInstallError } from './installError.js';
import { NUGET_INDEX_URL, openFeed, packageUrl, publishedSha512 } from './nugetFeed.js';
import { cudaProviderPackage, pinKey, PINNED_PACKAGE_SHA512 } from './providerPackage.js';
import { downloadResumable } from './resumableDownload.js';
import { extractEntries } from './zipEntries.js';

export type CudaInstallPhase = 'resolve' | 'download' | 'verify' | 'extract';

export interface CudaInstallProgress {
  phase: CudaInstallPhase;
  /** Package bytes downloaded (download phase). */
  done?: number;
  total?: number;
}

export interface CudaInstallOptions {
  /** onnxruntime's version; defaults to that of the installed onnxruntime-node. */
  onnxruntimeVersion?: string;
  /** Where libonnxruntime lives; defaults to onnxruntime-node's native folder. */
  targetDir?: string;
  /** A NuGet v3 service index; defaults to $PASTA_NUGET_INDEX, else nuget.org's. */
  feedUrl?: string;
  /** Where the package is downloaded (and a cut download resumed); defaults to the PASTA cache. */
  downloadDir?: string;
  pins?: Readonly<Record<string, string>>;
  platform?: NodeJS.Platform;
  arch?: string;
  signal?: AbortSignal;
  retries?: number;
  retryDelayMs?: number;
  onProgress?: (progress: CudaInstallProgress) => void;
}

export interface CudaInstallResult {
  packageId: string;
  version: string;
  /** The placed files. */
  files: string[];
  sha512: string;
  /** Whether the hash came from this build's pin table or, for an unpinned version, from the feed's catalog. */
  verifiedBy: 'pinned' | 'published';
}

export function bundledOnnxruntimeVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
}

export function defaultFeedUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.PASTA_NUGET_INDEX || NUGET_INDEX_URL;
}

async function sha512Base64(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

async function checkWritable(dir: string): Promise<void> {
  try {
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CudaInstallError(
      'io',
      `cannot write to ${dir}, the folder onnxruntime loads provider libraries from (${code}): run the install as the user who owns it, or reinstall onnxruntime-node there with ONNXRUNTIME_NODE_INSTALL=cuda12`,
    );
  }
}

export async function installCudaProvider(options: CudaInstallOptions = {}): Promise<CudaInstallResult> {
  const version = options.onnxruntimeVersion ?? bundledOnnxruntimeVersion();
  const pkg = cudaProviderPackage(version, options.platform, options.arch);
  if ('unsupported' in pkg) throw new CudaInstallError('unsupported', pkg.unsupported);
  const targetDir = options.targetDir ?? nativeBinaryDir();
  await checkWritable(targetDir);
  const request = { signal: options.signal };
  const progress = options.onProgress ?? (() => undefined);

  progress({ phase: 'resolve' });
  const feed = await openFeed(options.feedUrl ?? defaultFeedUrl(), request);
  const url = await packageUrl(feed, pkg.id, pkg.version, request);
  const pinned = (options.pins ?? PINNED_PACKAGE_SHA512)[pinKey(pkg)];
  const expected = pinned || (await publishedSha512(feed, pkg.id, pkg.version, request));

  const downloadDir = options.downloadDir ?? join(pastaCacheDir(), 'downloads');
  await mkdir(downloadDir, { recursive: true });
  const nupkg = join(downloadDir, basename(new URL(url).pathname));
  await downloadResumable({
    url,
    target: nupkg,
    name: `${pkg.id} ${pkg.version}`,
    signal: options.signal,
    retries: options.retries ?? 5,
    retryDelayMs: options.retryDelayMs ?? 1000,
    onBytes: (done, total) => progress({ phase: 'download', done, total }),
  });

  progress({ phase: 'verify' });
  const actual = await sha512Base64(nupkg);
  if (actual !== expected) {
    await rm(nupkg, { force: true });
    const source = pinned ? `the hash pinned for ${pinKey(pkg)}` : `the hash ${feed.indexUrl} publishes`;
    throw new CudaInstallError('checksum', `${basename(nupkg)} does not match ${source} (SHA-512 ${expected}, got ${actual}); the download was discarded`);
  }

  progress({ phase: 'extract' });
  const placed = pkg.files.map((entry) => ({
    entry,
    final: join(targetDir, basename(entry)),
    temporary: join(targetDir, `.${basename(entry)}.${process.pid}.tmp`),
  }));
  try {
    await extractEntries(nupkg, new Map(placed.map((p) => [p.entry, p.temporary])));
    // The CUDA library last: its presence is what says "installed" (device.ts), so it must not precede _shared.
    for (const file of placed) await rename(file.temporary, file.final);
  } finally {
    await Promise.all(placed.map((p) => rm(p.temporary, { force: true })));
  }
  await rm(nupkg, { force: true });
  return { packageId: pkg.id, version: pkg.version, files: placed.map((p) => p.final), sha512: actual, verifiedBy: pinned ? 'pinned' : 'published' };
}
