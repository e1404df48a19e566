// Tests that need something the project's scripts install (the default model, code-server, Chromium, a WebGPU
// adapter, a data set) skip without it on a developer's machine, saying why. Under the strict flag, which
// .ci/run sets (PASTA_STRICT_TESTS=1; CI=true counts too), a missing requirement fails instead, with the reason:
// CI never passes by skipping.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../../src/core/model/hub/cacheDir.js';

export const STRICT = process.env.PASTA_STRICT_TESTS === '1' || process.env.CI === 'true';

/** The error a missing requirement is under the strict flag. */
export function strictFailure(reason: string): Error {
  return new Error(`${reason} (tests run strict here: PASTA_STRICT_TESTS=1 or CI=true, so nothing may skip)`);
}

/**
 * The `skip` option of a test or suite that needs something: false when nothing is missing, else the reason.
 * Under the strict flag a missing requirement throws while the file registers its tests, failing the file.
 */
export function skipIfMissing(reason: string | false | undefined): string | false {
  if (!reason) return false;
  if (STRICT) throw strictFailure(reason);
  return reason;
}

/** Why the default model (all-MiniLM-L6-v2, npm run fetch-model) cannot be used here, or undefined. */
export function defaultModelMissing(): string | undefined {
  const dir = defaultModelDir();
  return existsSync(join(dir, 'model.safetensors')) && existsSync(join(dir, 'config.json'))
    ? undefined
    : `all-MiniLM-L6-v2 is not installed at ${dir} (run npm run fetch-model)`;
}
