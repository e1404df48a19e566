// The cache layout of huggingface_hub, so either tool can read the other's downloads:
//   {cacheDir}/models--{org}--{name}/blobs/{etag}            the bytes, named by the hub's hash
//   {cacheDir}/models--{org}--{name}/snapshots/{commit}/{file}  links into blobs/
//   {cacheDir}/models--{org}--{name}/refs/{revision}          the commit a branch or tag resolved to
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, link, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { CONFIG_FILE, PYTORCH_FILE, SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE } from './hubFiles.js';

export const COMMIT_HASH = /^[0-9a-f]{40}$/;

export interface RepoCache {
  root: string;
  blobsDir: string;
  snapshotDir(commit: string): string;
  refPath(revision: string): string;
}

export function repoCache(cacheDir: string, repoId: string): RepoCache {
  const root = join(cacheDir, `models--${repoId.split('/').join('--')}`);
  return {
    root,
    blobsDir: join(root, 'blobs'),
    snapshotDir: (commit) => join(root, 'snapshots', commit),
    refPath: (revision) => join(root, 'refs', ...revision.split('/')),
  };
}

export function readRef(cache: RepoCache, revision: string): string | undefined {
  try {
    const commit = readFileSync(cache.refPath(revision), 'utf8').trim();
    return COMMIT_HASH.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}

export async function writeRef(cache: RepoCache, revision: string, commit: string): Promise<void> {
  const path = cache.refPath(revision);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, commit);
  await rename(temp, path);
}

/** The name a blob is stored under: the hub's hash when it is a safe file name (it always is on the real hub). */
export function blobName(etag: string): string {
  return /^[A-Za-z0-9._-]{1,128}$/.test(etag) && !etag.startsWith('.') ? etag : Buffer.from(etag).toString('hex').slice(0, 128);
}

/** Puts `file` into the snapshot as a relative symlink to its blob; a hard link or a copy where symlinks are refused (Windows without developer mode). */
export async function linkIntoSnapshot(cache: RepoCache, commit: string, file: string, blobPath: string): Promise<void> {
  const target = join(cache.snapshotDir(commit), file);
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  await rm(temp, { force: true });
  try {
    await symlink(relative(dirname(target), blobPath), temp);
  } catch {
    try {
      await link(blobPath, temp);
    } catch {
      await copyFile(blobPath, temp);
    }
  }
  await rename(temp, target);
}

/**
 * Whether a snapshot holds a whole encoder: config and weights (all shards). Weights are downloaded last,
 * so their presence means the tokenizer files before them are there too.
 */
export function snapshotIsComplete(snapshotDir: string): boolean {
  if (!existsSync(join(snapshotDir, CONFIG_FILE))) return false;
  if (existsSync(join(snapshotDir, SAFETENSORS_FILE))) return true;
  // Planned only where the repository has no safetensors; like model.safetensors, linked after every other file.
  if (existsSync(join(snapshotDir, PYTORCH_FILE))) return true;
  const indexPath = join(snapshotDir, SAFETENSORS_INDEX_FILE);
  if (!existsSync(indexPath)) return false;
  try {
    const weightMap = (JSON.parse(readFileSync(indexPath, 'utf8')) as { weight_map?: Record<string, string> }).weight_map ?? {};
    const shards = new Set(Object.values(weightMap));
    return shards.size > 0 && [...shards].every((shard) => existsSync(join(snapshotDir, shard)));
  } catch {
    return false;
  }
}
