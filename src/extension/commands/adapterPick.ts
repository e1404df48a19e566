// Choosing one of the workspace's adapters: the one named by a command argument, else a pick with the active
// adapter first.
import * as vscode from 'vscode';
import { findAdapters } from '../adaptersTree.js';
import type { PastaContext } from './context.js';

export interface PickedAdapter {
  name: string;
  folder: vscode.WorkspaceFolder;
}

export async function pickAdapter(
  ctx: PastaContext,
  name: string | undefined,
  pick: { title: string; placeHolder: string },
): Promise<PickedAdapter | undefined> {
  const adapters = await findAdapters();
  if (name !== undefined) {
    const found = adapters.find((a) => a.name === name);
    if (!found) throw new Error(`no adapter named ${name} under .pasta/adapters/`);
    return found;
  }
  if (adapters.length === 0) {
    void vscode.window.showInformationMessage('PASTA: this workspace has no adapters yet: run PASTA: Train Adapter first.');
    return undefined;
  }
  const active = ctx.statusBar.activeAdapter;
  const items = adapters
    .map((a) => ({ label: a.name, description: a.name === active ? `active · ${a.detail}` : a.detail, adapter: a }))
    .sort((a, b) => Number(b.label === active) - Number(a.label === active));
  // ignoreFocusOut, as every PASTA pick: run from the palette while a webview (the training dashboard, say) is the
  // active editor, VS Code gives focus back to that webview as the palette closes, and the webview takes it
  // asynchronously, after this pick has opened: without it the pick would close at once.
  return (await vscode.window.showQuickPick(items, { ...pick, ignoreFocusOut: true }))?.adapter;
}

/**
 * Choosing one adapter or several of one workspace folder: those named by a command argument, else a pick with
 * several allowed (the active adapter first and picked).
 */
export async function pickAdapters(
  ctx: PastaContext,
  names: string[] | undefined,
  pick: { title: string; placeHolder: string },
): Promise<PickedAdapter[] | undefined> {
  const adapters = await findAdapters();
  let chosen: PickedAdapter[];
  if (names !== undefined) {
    chosen = names.map((name) => {
      const found = adapters.find((a) => a.name === name);
      if (!found) throw new Error(`no adapter named ${name} under .pasta/adapters/`);
      return found;
    });
  } else {
    if (adapters.length === 0) {
      void vscode.window.showInformationMessage('PASTA: this workspace has no adapters yet: run PASTA: Train Adapter first.');
      return undefined;
    }
    const active = ctx.statusBar.activeAdapter;
    const items = adapters
      .map((a) => ({ label: a.name, description: a.name === active ? `active · ${a.detail}` : a.detail, picked: a.name === active, adapter: a }))
      .sort((a, b) => Number(b.label === active) - Number(a.label === active));
    const picked = await vscode.window.showQuickPick(items, { ...pick, canPickMany: true, ignoreFocusOut: true });
    if (!picked || picked.length === 0) return undefined;
    chosen = picked.map((p) => p.adapter);
  }
  const folders = new Set(chosen.map((a) => a.folder.uri.toString()));
  if (folders.size > 1)
    throw new Error(`the adapters ${chosen.map((a) => a.name).join(', ')} are in different workspace folders; export adapters of one folder`);
  return chosen;
}
