// Where PASTA Studio keeps models outside any repository.
// scripts/fetch-model.mjs duplicates pastaCacheDir()'s rule (it runs before TypeScript is built): keep them in step.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

type Env = Record<string, string | undefined>;

/** `$PASTA_CACHE_DIR`, else `$XDG_CACHE_HOME/pasta-studio`, else `~/.cache/pasta-studio`; always absolute. */
export function pastaCacheDir(env: Env = process.env): string {
  if (env.PASTA_CACHE_DIR) return resolve(env.PASTA_CACHE_DIR);
  return resolve(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pasta-studio');
}

/** The name of the default encoder, as `npm run fetch-model` installs it. */
export const DEFAULT_MODEL_NAME = 'all-MiniLM-L6-v2';

/** The Hugging Face model folder `npm run fetch-model` installs. */
export function defaultModelDir(env: Env = process.env): string {
  return join(pastaCacheDir(env), 'models', DEFAULT_MODEL_NAME);
}

/** The folder downloadFromHub() caches into, laid out like huggingface_hub's cache (models--org--name/...). */
export function hubCacheDir(env: Env = process.env): string {
  return join(pastaCacheDir(env), 'hub');
}
