import * as vscode from 'vscode';
import { findAdapters } from '../adaptersTree.js';
import { predictionsOf } from '../predictions/predictionsFeature.js';
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
      await ctx.statusBar.setActiveAdapter(nameArg);
      predictionsOf(ctx).service.activeAdapterChanged();
      return nameArg;
    }
    if (adapters.length === 0) {
      void vscode.window.showInformationMessage('PASTA: this workspace has no adapters yet (.pasta/adapters/<name>/adapter_config.json).');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      adapters.map((a) => ({ label: a.name, description: a.detail, picked: a.name === ctx.statusBar.activeAdapter })),
      { title: 'PASTA: active adapter' },
    );
    if (!pick) return undefined;
    await ctx.statusBar.setActiveAdapter(pick.label);
    predictionsOf(ctx).service.activeAdapterChanged();
    return pick.label;
  },
};
