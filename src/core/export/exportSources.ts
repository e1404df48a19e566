// What an export reads: an adapter, checked against the base model it names, and the facts of that base the
// exported graph and its card need.
import { join } from 'node:path';
import { ADAPTER_CONFIG_FILE, adapterDir, loadAdapter, verifyAdapterForBase, type LoadedAdapter } from '../adapter/index';
import { InputError } from '../data/types';
import { loadBaseModel, type BaseModel } from '../project/baseModel';
import { pairSlotTokens } from '../training/trainingRun';

export async function loadVerified(workspaceRoot: string, name: string): Promise<{ adapter: LoadedAdapter; base: BaseModel }> {
  const adapter = await loadAdapter(adapterDir(workspaceRoot, name));
  const spec = adapter.config.base_model_name_or_path;
  let base: BaseModel;
  try {
    base = await loadBaseModel(spec, workspaceRoot);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    throw new InputError(
      join(adapter.dir, ADAPTER_CONFIG_FILE),
      undefined,
      `adapter '${name}' needs its base model '${spec}', which cannot be loaded: ${problem}`,
    );
  }
  const numSpecialTokenSlots = adapter.config.text_pair ? pairSlotTokens(base.tokenizer).length : undefined;
  verifyAdapterForBase({ config: adapter.config, name, dir: adapter.dir }, { config: base.config, fingerprint: base.fingerprint, numSpecialTokenSlots });
  return { adapter, base };
}

/** The ids of the special tokens that take the adapter's slots, in ascending order. */
export function slotTokenIds(adapter: LoadedAdapter, base: BaseModel): number[] {
  const ids = new Set<number>();
  for (const token of adapter.config.special_token_slots) {
    const id = base.tokenizer.tokenToId(token);
    if (id === undefined)
      throw new InputError(join(adapter.dir, ADAPTER_CONFIG_FILE), undefined, `special token slot '${token}' is not in the base model's vocabulary`);
    ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}
