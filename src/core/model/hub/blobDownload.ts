// Downloads one file into `{blob}.incomplete`, resuming with a Range request, verifies it against the hash the
// hub announced, then renames it to the blob. An abort leaves the `.incomplete` file for the next call.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { abortReason, HubError } from './hubError.js';
import { describeNetworkError, failForStatus, hubFetch, hubHeaders, type HubRequestContext } from './hubHttp.js';

export interface BlobDownload {
  ctx: HubRequestContext;
  /** The file's name in the repository, for messages. */
  file: string;
  url: string;
  size: number;
  etag: string;
  blobPath: string;
  /** Attempts after a broken connection, each resuming where the last stopped. */
  retries: number;
  retryDelayMs: number;
  onBytes: (fileBytesDone: number) => void;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** The byte offset a 206 answer starts at, from `Content-Range: bytes START-END/TOTAL`. */
function contentRangeStart(response: Response): number | undefined {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : undefined;
}

async function hashFile(path: string, algorithm: 'sha256' | 'sha1', prefix?: string): Promise<string> {
  const hash = createHash(algorithm);
  if (prefix) hash.update(prefix);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** sha256 for LFS files; git's blob sha1 for the others; nothing to check for an etag of another shape. */
async function verify(download: BlobDownload, path: string): Promise<void> {
  const { etag, size } = download;
  let actual: string | undefined;
  if (/^[0-9a-f]{64}$/.test(etag)) actual = await hashFile(path, 'sha256');
  else if (/^[0-9a-f]{40}$/.test(etag)) actual = await hashFile(path, 'sha1', `blob ${size}\0`);
  if (actual !== undefined && actual !== etag) {
    await rm(path, { force: true });
    throw new HubError(
      'checksum',
      `checksum mismatch for ${download.ctx.repoId}/${download.file}: the hub announced ${etag}, the download hashes to ${actual}; the file was discarded`,
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends the response body to `path` from `offset`; returns the bytes now in the file. */
async function writeBody(download: BlobDownload, response: Response, path: string, offset: number): Promise<number> {
  const handle = await open(path, offset > 0 ? 'a' : 'w');
  let done = offset;
  try {
    const reader = response.body!.getReader();
    for (;;) {
      const { done: finished, value } = await reader.read();
      if (finished) break;
      await handle.write(value);
      done += value.byteLength;
      download.onBytes(done);
    }
  } finally {
    await handle.close();
  }
  return done;
}

export async function downloadBlob(download: BlobDownload): Promise<void> {
  const { ctx, file, size } = download;
  const incomplete = `${download.blobPath}.incomplete`;
  let failures = 0;
  for (;;) {
    let offset = await sizeOf(incomplete);
    if (offset > size) {
      await rm(incomplete, { force: true });
      offset = 0;
    }
    download.onBytes(offset);
    if (offset === size) break;

    const range: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    let problem: string;
    try {
      const response = await hubFetch(ctx, download.url, { headers: hubHeaders(ctx, download.url, range) });
      if (response.status !== 200 && response.status !== 206 && response.status !== 416) {
        await failForStatus(ctx, response, file);
      }
      // A server that ignores Range answers 200 with the whole file: start over rather than append.
      const start = response.status === 200 ? 0 : contentRangeStart(response);
      if (start === undefined || (start !== 0 && start !== offset)) {
        await response.body?.cancel();
        await rm(incomplete, { force: true }); // what we hold does not match what the server offers: start over
        problem = `the server refused to resume at byte ${offset} (HTTP ${response.status})`;
      } else {
        const written = await writeBody(download, response, incomplete, start);
        if (written === size) break;
        if (written > size) {
          await rm(incomplete, { force: true });
          throw new HubError('protocol', `${ctx.endpoint} sent ${written} bytes for ${ctx.repoId}/${file}, ${size} announced`);
        }
        problem = `connection closed after ${written} of ${size} bytes`;
      }
    } catch (error) {
      if (ctx.signal?.aborted) throw abortReason(ctx.signal);
      if (error instanceof HubError && error.kind !== 'network') throw error;
      const { syscall, code } = error as NodeJS.ErrnoException;
      if (syscall) throw new HubError('io', `cannot write ${incomplete}: ${code ?? (error as Error).message}`);
      problem = error instanceof HubError ? error.message : describeNetworkError(error);
    }
    failures++;
    if (failures > download.retries) {
      const have = await sizeOf(incomplete);
      throw new HubError('network', `download of ${ctx.repoId}/${file} interrupted at ${have} of ${size} bytes (${problem}); run again to resume`);
    }
    await sleep(download.retryDelayMs * failures);
    if (ctx.signal?.aborted) throw abortReason(ctx.signal);
  }
  await verify(download, incomplete);
  await rename(incomplete, download.blobPath);
}
