// Downloads an encoder (config, tokenizer, safetensors weights or else pytorch_model.bin) from the Hugging Face hub into a
// cache laid out like huggingface_hub's, and returns the local model folder. A cached snapshot is served
// without touching the network.
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadBlob } from './blobDownload.js';
import { hubCacheDir } from './cacheDir.js';
import { blobName, COMMIT_HASH, linkIntoSnapshot, readRef, repoCache, snapshotIsComplete, writeRef, type RepoCache } from './hubCache.js';
import { abortReason, HubError } from './hubError.js';
import { planEncoderFiles, shardsOfIndex } from './hubFiles.js';
import { failForStatus, fileMetadata, hubFetch, hubHeaders, type FileMetadata, type HubRequestContext } from './hubHttp.js';

export interface HubDownloadProgress {
  /** The repository file being downloaded. */
  file: string;
  fileBytesDone: number;
  fileBytesTotal: number;
  /** Over all the files of this call; files already cached count as done. */
  bytesDone: number;
  /** Fixed once the file list is known (for sharded weights, after the small index file). */
  bytesTotal: number;
}

export interface DownloadFromHubOptions {
  /** "org/name" (or a legacy "name"). */
  repoId: string;
  /** A branch, tag or commit hash. Default "main". */
  revision?: string;
  /** Default $HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /** Default $HF_TOKEN; sent to the endpoint only, never to the CDN it redirects to. */
  token?: string;
  /** Default hubCacheDir() (~/.cache/pasta-studio/hub); huggingface_hub's own cache works too. */
  cacheDir?: string;
  onProgress?: (progress: HubDownloadProgress) => void;
  signal?: AbortSignal;
  /** Resumed attempts per file after a broken connection. Default 3. */
  retries?: number;
  /** Wait before the n-th retry is n times this. Default 500 ms. */
  retryDelayMs?: number;
}

const REPO_ID = /^(?:[A-Za-z0-9][A-Za-z0-9_.-]*\/)?[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function checkArguments(repoId: string, revision: string): void {
  if (!REPO_ID.test(repoId) || repoId.includes('..') || repoId.includes('--')) {
    throw new HubError('bad-argument', `invalid Hugging Face repository id "${repoId}" (expected org/name)`);
  }
  const segments = revision.split('/');
  if (revision === '' || segments.some((s) => s === '' || s === '.' || s === '..' || /[\\\0]/.test(s))) {
    throw new HubError('bad-argument', `invalid revision "${revision}" for ${repoId}`);
  }
}

interface RevisionInfo {
  commit: string;
  siblings: string[];
}

async function resolveRevision(ctx: HubRequestContext): Promise<RevisionInfo> {
  const url = `${ctx.endpoint}/api/models/${ctx.repoId}/revision/${encodeURIComponent(ctx.revision)}`;
  const response = await hubFetch(ctx, url, { headers: hubHeaders(ctx, url, { accept: 'application/json' }) });
  if (!response.ok) await failForStatus(ctx, response);
  let body: { sha?: unknown; siblings?: unknown };
  try {
    body = (await response.json()) as typeof body;
  } catch (error) {
    if (ctx.signal?.aborted) throw abortReason(ctx.signal);
    throw new HubError('protocol', `${url} did not answer JSON (${(error as Error).message})`);
  }
  const siblings = Array.isArray(body.siblings) ? body.siblings.map((s) => (s as { rfilename?: unknown })?.rfilename) : undefined;
  if (typeof body.sha !== 'string' || !COMMIT_HASH.test(body.sha) || !siblings?.every((name) => typeof name === 'string')) {
    throw new HubError('protocol', `${url} answered without a commit sha and siblings[].rfilename`);
  }
  return { commit: body.sha, siblings: siblings as string[] };
}

/** Downloads the files of one snapshot in order, reporting progress over all of them. */
class SnapshotDownload {
  private bytesDone = 0;
  private bytesTotal = 0;
  private readonly pending: { file: string; meta?: FileMetadata; cachedSize?: number }[] = [];

  constructor(
    private readonly ctx: HubRequestContext,
    private readonly cache: RepoCache,
    private readonly commit: string,
    private readonly options: DownloadFromHubOptions,
  ) {}

  /** Looks up the files' sizes and hashes (HEAD) so that the overall total is known before bytes flow. */
  async add(files: string[]): Promise<void> {
    for (const file of files) {
      const cachedPath = join(this.cache.snapshotDir(this.commit), file);
      if (existsSync(cachedPath)) {
        const cachedSize = (await stat(cachedPath)).size;
        this.bytesTotal += cachedSize;
        this.pending.push({ file, cachedSize });
      } else {
        const meta = await fileMetadata(this.ctx, this.commit, file);
        this.bytesTotal += meta.size;
        this.pending.push({ file, meta });
      }
    }
  }

  async run(): Promise<void> {
    while (this.pending.length > 0) {
      const { file, meta, cachedSize } = this.pending.shift()!;
      if (!meta) {
        this.bytesDone += cachedSize ?? 0;
        continue;
      }
      const blobPath = join(this.cache.blobsDir, blobName(meta.etag));
      const report = (fileBytesDone: number) =>
        this.options.onProgress?.({
          file,
          fileBytesDone,
          fileBytesTotal: meta.size,
          bytesDone: this.bytesDone + fileBytesDone,
          bytesTotal: this.bytesTotal,
        });
      if (!existsSync(blobPath)) {
        await mkdir(this.cache.blobsDir, { recursive: true });
        await downloadBlob({
          ctx: this.ctx,
          file,
          url: meta.downloadUrl,
          size: meta.size,
          etag: meta.etag,
          blobPath,
          retries: this.options.retries ?? 3,
          retryDelayMs: this.options.retryDelayMs ?? 500,
          onBytes: report,
        });
      } else {
        report(meta.size);
      }
      await linkIntoSnapshot(this.cache, this.commit, file, blobPath);
      this.bytesDone += meta.size;
    }
  }
}

/** Downloads (or finds in the cache) an encoder's files and returns the local snapshot folder. */
export async function downloadFromHub(options: DownloadFromHubOptions): Promise<string> {
  const {
    repoId,
    revision = 'main',
    endpoint = process.env.HF_ENDPOINT ?? 'https://huggingface.co',
    token = process.env.HF_TOKEN,
    cacheDir = hubCacheDir(),
    signal,
  } = options;
  checkArguments(repoId, revision);
  const cache = repoCache(cacheDir, repoId);

  const cachedCommit = COMMIT_HASH.test(revision) ? revision : readRef(cache, revision);
  if (cachedCommit && snapshotIsComplete(cache.snapshotDir(cachedCommit))) return cache.snapshotDir(cachedCommit);
  if (signal?.aborted) throw abortReason(signal);

  const ctx: HubRequestContext = { endpoint: endpoint.replace(/\/+$/, ''), repoId, revision, token: token || undefined, signal };
  const { commit, siblings } = await resolveRevision(ctx);
  const snapshotDir = cache.snapshotDir(commit);
  if (!snapshotIsComplete(snapshotDir)) {
    const label = `${repoId}@${revision}`;
    const plan = planEncoderFiles(label, siblings);
    const download = new SnapshotDownload(ctx, cache, commit, options);
    if (plan.weights.kind === 'single') {
      await download.add([...plan.files, plan.weights.file]);
    } else {
      // The shards are named inside the index: fetch it first, then the rest.
      await download.add([plan.weights.index]);
      await download.run();
      const indexText = await readFile(join(snapshotDir, plan.weights.index), 'utf8');
      await download.add([...plan.files, ...shardsOfIndex(label, indexText, siblings)]);
    }
    await download.run();
  }
  if (revision !== commit) await writeRef(cache, revision, commit);
  return snapshotDir;
}
