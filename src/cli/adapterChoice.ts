// Which adapter a command that uses one (predict, eval, preannotate) runs: its --adapter flag and the rule for
// its default.
import { listAdapters } from '../core/adapter/index.js';
import { InputError } from '../core/data/types.js';
import type { WorkspacePredictor } from '../core/prediction/workspacePrediction.js';
import { UsageError, type FlagSpec } from './command.js';

export function adapterFlag(description = 'Adapter under .pasta/adapters'): FlagSpec {
  return { type: 'string', short: 'a', valueName: '<name>', defaultText: 'the active adapter, or the only one', description };
}

/** The adapter to use: --adapter, else the project's active one, else the only one. */
export async function chooseAdapter(workspace: string, predictor: WorkspacePredictor, flag: string | undefined, command: string): Promise<string> {
  if (flag) return flag;
  const active = await predictor.activeAdapterName();
  if (active) return active;
  const { adapters, problems } = await listAdapters(workspace);
  if (adapters.length === 1) return adapters[0].name;
  // A workspace whose only adapter is broken has one: say what is wrong with it.
  if (adapters.length === 0 && problems.length > 0) throw problems[0];
  if (adapters.length === 0) throw new InputError(workspace, undefined, 'has no adapters in .pasta/adapters; train one with `pasta train`');
  throw new UsageError(`the workspace has ${adapters.length} adapters and none is active; pass --adapter <name>`, command);
}
