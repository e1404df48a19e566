// Downloads one URL into `{target}.partial`, resuming with an HTTP Range request after a cut connection (in this
// run or a later one), then renames it to `target`. The caller verifies the bytes before trusting them.
// node:http rather than fetch(): a WHATWG body stream that errors drops the chunks it still queues, so after a cut
// connection fetch() may not hand over bytes that did arrive; 'data' events do.
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { open, rename, rm, stat } from 'node:fs/promises';
import { CudaInstallError } from './installError.js';

export interface ResumableDownload {
  url: string;
  target: string;
  /** What the message calls the file. */
  name: string;
  signal?: AbortSignal;
  /** Attempts after a broken connection, each resuming where the last stopped. */
  retries: number;
  retryDelayMs: number;
  onBytes?: (done: number, total: number | undefined) => void;
}

export const partialPath = (target: string) => `${target}.partial`;

const USER_AGENT = `pasta-studio; node/${process.versions.node}`;
const MAX_REDIRECTS = 5;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** From `Content-Range: bytes START-END/TOTAL` (or `bytes * /TOTAL` on a 416). */
function contentRange(response: IncomingMessage): { start?: number; total?: number } {
  const match = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(response.headers['content-range'] ?? '');
  if (!match) return {};
  return { start: match[1] === undefined ? undefined : Number(match[1]), total: match[2] === '*' ? undefined : Number(match[2]) };
}

function request(url: string, headers: Record<string, string>, signal: AbortSignal | undefined, hops = 0): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { headers: { 'user-agent': USER_AGENT, 'accept-encoding': 'identity', ...headers }, signal }, (response) => {
      const location = response.headers.location;
      if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location && hops < MAX_REDIRECTS) {
        response.resume();
        request(new URL(location, url).href, headers, signal, hops + 1).then(resolve, reject);
      } else {
        resolve(response);
      }
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (signal?.aborted) reject(signal.reason);
      else reject(new CudaInstallError('network', `cannot reach ${new URL(url).origin}: ${error.code ?? error.message} (is this machine offline?)`));
    });
  });
}

type FileHandle = Awaited<ReturnType<typeof open>>;

/**
 * Appends the body to the file from `offset`; returns the bytes now in it, and what cut the stream if it was cut.
 * Called in the same tick as the response arrives: a 'close' that fired before the listeners would be lost.
 */
async function appendBody(download: ResumableDownload, response: IncomingMessage, file: FileHandle, offset: number, total: number | undefined) {
  let done = offset;
  let writes: Promise<unknown> = offset === 0 ? file.truncate(0) : Promise.resolve();
  let writeError: NodeJS.ErrnoException | undefined;
  const cut = await new Promise<string | undefined>((resolve) => {
    response.on('data', (chunk: Buffer) => {
      writes = writes.then(async () => {
        if (writeError) return;
        try {
          await file.write(chunk);
          done += chunk.byteLength;
          download.onBytes?.(done, total);
        } catch (error) {
          writeError = error as NodeJS.ErrnoException;
          response.destroy();
        }
      });
    });
    response.on('end', () => resolve(undefined));
    response.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    response.on('close', () => resolve(response.complete ? undefined : 'connection closed'));
  });
  await writes;
  if (download.signal?.aborted) throw download.signal.reason;
  if (writeError) throw new CudaInstallError('io', `cannot write ${partialPath(download.target)}: ${writeError.code ?? writeError.message}`);
  return { done, cut };
}

async function openPartial(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'a');
  } catch (error) {
    throw new CudaInstallError('io', `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function downloadResumable(download: ResumableDownload): Promise<void> {
  const partial = partialPath(download.target);
  let failures = 0;
  for (;;) {
    const offset = await sizeOf(partial);
    let problem: string;
    const file = await openPartial(partial);
    try {
      const response = await request(download.url, offset > 0 ? { range: `bytes=${offset}-` } : {}, download.signal);
      const status = response.statusCode ?? 0;
      const range = contentRange(response);
      if (status === 416 && range.total === offset) {
        response.resume();
        break; // the last run had every byte already
      }
      if (status !== 200 && status !== 206) {
        response.resume();
        if (status === 404) throw new CudaInstallError('not-found', `${download.url} not found (HTTP 404)`);
        if (status === 416)
          await rm(partial, { force: true }); // ours is longer than theirs: start over
        else if (status < 500) throw new CudaInstallError('protocol', `${download.url} answered HTTP ${status}`);
        problem = `HTTP ${status}`;
      } else {
        // A server that ignores Range answers 200 with the whole file: start over rather than append.
        const start = status === 200 ? 0 : range.start;
        const total = status === 200 ? Number(response.headers['content-length']) || undefined : range.total;
        if (start !== 0 && start !== offset) {
          response.destroy();
          await rm(partial, { force: true });
          problem = `the server refused to resume at byte ${offset}`;
        } else {
          const { done, cut } = await appendBody(download, response, file, start ?? 0, total);
          if (!cut && (total === undefined || done === total)) break;
          problem = `connection closed after ${done} of ${total ?? '?'} bytes${cut ? ` (${cut})` : ''}`;
        }
      }
    } catch (error) {
      if (download.signal?.aborted) throw download.signal.reason;
      if (!(error instanceof CudaInstallError) || error.kind !== 'network') throw error;
      problem = error.message;
    } finally {
      await file.close();
      if ((await sizeOf(partial)) === 0) await rm(partial, { force: true });
    }
    failures++;
    if (failures > download.retries) {
      throw new CudaInstallError('network', `download of ${download.name} interrupted at ${await sizeOf(partial)} bytes (${problem}); run again to resume`);
    }
    await sleep(download.retryDelayMs * failures);
  }
  await rename(partial, download.target);
}
