// The frozen base model a project names: the fetched default, a local Hugging Face folder, or a hub id
// (downloaded once into the cache). Loaded with its tokenizer and fingerprint.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../data/types';
import { DEFAULT_MODEL_NAME, defaultModelDir } from '../model/hub/cacheDir';
import { fingerprintBaseModel, type BaseModelFingerprint } from '../model/fingerprint';
import { downloadFromHub, type HubDownloadProgress } from '../model/hub/hub';
import { HubError } from '../model/hub/hubError';
import type { HubErrorKind } from '../model/hub/hubError';
import { loadModelFolder } from '../model/modelFolder';
import { loadTokenizer, type Tokenizer } from '../model/tokenizer/index';
import type { EncoderConfig, WeightMap } from '../model/types';

export interface BaseModel {
  /** As the project names it (kept in adapters as base_model_name_or_path). */
  name: string;
  dir: string;
  config: EncoderConfig;
  weights: WeightMap;
  tokenizer: Tokenizer;
  fingerprint: BaseModelFingerprint;
}

export interface ResolveOptions {
  onDownloadProgress?: (p: HubDownloadProgress) => void;
  signal?: AbortSignal;
}

/** The local folder of a base model spec; hub ids are downloaded (and cached) first. */
export async function resolveBaseModelDir(spec: string, workspaceRoot: string, options: ResolveOptions = {}): Promise<string> {
  if (spec === DEFAULT_MODEL_NAME) {
    const dir = defaultModelDir();
    if (existsSync(join(dir, 'config.json'))) return dir;
    return download(spec, `sentence-transformers/${DEFAULT_MODEL_NAME}`, options);
  }
  const local = isAbsolute(spec) ? spec : resolve(workspaceRoot, spec);
  if (existsSync(join(local, 'config.json'))) return local;
  if (/^[\w-][\w.-]*\/[\w.-]+$/.test(spec)) return download(spec, spec, options);
  throw new InputError(spec, undefined, 'is neither a model folder with config.json nor a Hugging Face hub id (owner/name)');
}

/** What the person can change when the hub cannot serve the model; a cache that cannot be written is another matter. */
const LOCAL_FOLDER_ADVICE: ReadonlySet<HubErrorKind> = new Set(['network', 'auth', 'not-found', 'unsupported', 'bad-argument']);

/** A failed download is bad input (the network, the id, the token), never a bug: one line naming the model. */
async function download(spec: string, repoId: string, options: ResolveOptions): Promise<string> {
  try {
    return await downloadFromHub({ repoId, onProgress: options.onDownloadProgress, signal: options.signal });
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    const advice = LOCAL_FOLDER_ADVICE.has(error.kind) ? '; or use a local model folder as the base model' : '';
    throw new InputError(spec, undefined, `${error.message}${advice}`);
  }
}

export async function loadBaseModel(spec: string, workspaceRoot: string, options: ResolveOptions = {}): Promise<BaseModel> {
  const dir = await resolveBaseModelDir(spec, workspaceRoot, options);
  const [{ config, weights, files }, tokenizer] = await Promise.all([loadModelFolder(dir), loadTokenizer(dir)]);
  const fingerprint = await fingerprintBaseModel(config, files);
  return { name: spec, dir, config, weights, tokenizer, fingerprint };
}
