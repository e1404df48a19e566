// Base-model identity for adapters: a content hash of the weight files (what "same model" really means), and a
// cheap shape signature that says precisely how two models differ when the hashes do not match.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { EncoderConfig, ModelFamily } from './types.js';
import { pastaCacheDir } from './hub/cacheDir.js';
import { ioError } from './fileError.js';

export interface ShapeSignature {
  model_type: ModelFamily;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  vocab_size: number;
}

export interface BaseModelFingerprint {
  /** "sha256:<hex>"; for one weight file it equals `sha256sum model.safetensors`. */
  sha256: string;
  signature: ShapeSignature;
}

export interface FingerprintOptions {
  /** Defaults to pastaCacheDir(); entries go to its fingerprints/ folder. */
  cacheDir?: string;
}

export function shapeSignature(config: EncoderConfig): ShapeSignature {
  return {
    model_type: config.model_type,
    hidden_size: config.hidden_size,
    num_hidden_layers: config.num_hidden_layers,
    num_attention_heads: config.num_attention_heads,
    vocab_size: config.vocab_size,
  };
}

/**
 * How `actual` differs from `expected`, as one line ("hidden_size 384 where the adapter expects 768, ..."),
 * or undefined when the shapes agree.
 */
export function describeSignatureMismatch(expected: ShapeSignature, actual: ShapeSignature): string | undefined {
  const keys: (keyof ShapeSignature)[] = ['model_type', 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'vocab_size'];
  const differences = keys
    .filter((key) => expected[key] !== actual[key])
    .map((key) => `${key} ${String(actual[key])} where the adapter expects ${String(expected[key])}`);
  return differences.length > 0 ? `base model has ${differences.join(', ')}` : undefined;
}

export async function fingerprintBaseModel(config: EncoderConfig, files: string[], options: FingerprintOptions = {}): Promise<BaseModelFingerprint> {
  return { sha256: await hashWeightFiles(files, options), signature: shapeSignature(config) };
}

/**
 * One file: its sha256. Several (shards): the sha256 of a sha256sum-style manifest of the shards' hashes in
 * name order, so every shard's hash is cached on its own.
 */
export async function hashWeightFiles(files: string[], options: FingerprintOptions = {}): Promise<string> {
  if (files.length === 0) throw new TypeError('hashWeightFiles: no files');
  const cacheDir = options.cacheDir ?? pastaCacheDir();
  const ordered = files.slice().sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0));
  const hashes: string[] = [];
  for (const file of ordered) hashes.push(await cachedFileSha256(file, cacheDir));
  if (hashes.length === 1) return `sha256:${hashes[0]}`;
  const manifest = ordered.map((file, i) => `${hashes[i]}  ${basename(file)}\n`).join('');
  return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
}

interface CacheEntry {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** The file's sha256, from the cache when (absolute path, size, mtime) are unchanged. */
export async function cachedFileSha256(file: string, cacheDir: string): Promise<string> {
  const path = resolve(file);
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (error) {
    throw ioError(file, error);
  }
  const key = createHash('sha256').update(`${path}\0${stat.size}\0${stat.mtimeMs}`).digest('hex');
  const entryPath = join(cacheDir, 'fingerprints', `${key}.json`);
  const cached = await readCacheEntry(entryPath);
  if (cached && cached.path === path && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return cached.sha256;

  const sha256 = await streamSha256(file);
  await writeCacheEntry(entryPath, { path, size: stat.size, mtimeMs: stat.mtimeMs, sha256 });
  return sha256;
}

async function streamSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (error) {
    throw ioError(file, error);
  }
  return hash.digest('hex');
}

async function readCacheEntry(entryPath: string): Promise<CacheEntry | undefined> {
  try {
    const entry = JSON.parse(await fs.readFile(entryPath, 'utf8')) as Partial<CacheEntry>;
    if (typeof entry.sha256 === 'string' && /^[0-9a-f]{64}$/.test(entry.sha256)) return entry as CacheEntry;
  } catch {
    // a missing or damaged entry is recomputed
  }
  return undefined;
}

/** A cache that cannot be written (read-only home, full disk) only costs the next load a re-hash. */
async function writeCacheEntry(entryPath: string, entry: CacheEntry): Promise<void> {
  const temp = `${entryPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.mkdir(join(entryPath, '..'), { recursive: true });
    await fs.writeFile(temp, JSON.stringify(entry));
    await fs.rename(temp, entryPath);
  } catch {
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}
