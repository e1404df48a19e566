import * as vscode from 'vscode';
import { findAdapters } from '../adaptersTree.js';
import { predictionsOf } from '../predictions/predictionsFeature.js';
import { updateProjectFile } from '../../core/project/projectFile.js';
import { requireTrust } from '../trust.js';
import type { PastaCommand } from './context.js';

export const selectActiveAdapter: PastaCommand = {
  id: 'pasta.selectActiveAdapter',
  async run(ctx, nameArg?: unknown): Promise<string | undefined> {
    if (!requireTrust('choosing an adapter')) return undefined;
    const adapters = await findAdapters();
    if (typeof nameArg === 'string') {
      if (!adapters.some((a) => a.name === nameArg)) {
        void vscode.window.showErrorMessage(`PASTA: no adapter named ${nameArg} under .pasta/adapters/`);
        return undefined;
      }
      await activate(ctx, nameArg);
      return nameArg;
    }
    if (adapters.length === 0) {
      void vscode.window.showInformationMessage('PASTA: this workspace has no adapters yet (.pasta/adapters/<name>/adapter_config.json).');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      adapters.map((a) => ({ label: a.name, description: a.detail, picked: a.name === ctx.statusBar.activeAdapter })),
      { title: 'PASTA: active adapter', ignoreFocusOut: true },
    );
    if (!pick) return undefined;
    await activate(ctx, pick.label);
    return pick.label;
  },
};

/** Records the choice in .pasta/project.json, where the CLI and every window read it too. */
async function activate(ctx: Parameters<PastaCommand['run']>[0], name: string): Promise<void> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (root) {
    try {
      await updateProjectFile(root, (raw) => {
        raw.activeAdapter = name;
      });
    } catch (error) {
      void vscode.window.showErrorMessage(`PASTA: could not record the active adapter: ${(error as Error).message}`);
    }
  }
  await ctx.statusBar.setActiveAdapter(name);
  predictionsOf(ctx).service.activeAdapterChanged();
}
