import * as vscode from 'vscode';
import { requireTrust } from '../trust.js';
import { readSettings } from '../settings.js';
import type { PastaCommand } from './context.js';

const DEFAULT_MODEL = 'sentence-transformers/all-MiniLM-L6-v2';

export const selectBaseModel: PastaCommand = {
  id: 'pasta.selectBaseModel',
  async run(): Promise<string | undefined> {
    if (!requireTrust('choosing a base model')) return undefined;
    const current = readSettings().baseModel;
    const pick = await vscode.window.showQuickPick(
      [
        { label: DEFAULT_MODEL, description: current === DEFAULT_MODEL ? 'current · default' : 'default', value: DEFAULT_MODEL },
        ...(current !== DEFAULT_MODEL ? [{ label: current, description: 'current', value: current }] : []),
        { label: '$(folder) Local model folder…', description: 'a folder with config.json and model.safetensors (or pytorch_model.bin)', value: 'folder' },
        { label: '$(cloud-download) Hugging Face hub id…', description: 'e.g. bert-base-cased', value: 'hub' },
      ],
      { title: 'PASTA: base model', placeHolder: `Current: ${current}`, ignoreFocusOut: true },
    );
    if (!pick) return undefined;
    let value = pick.value;
    if (value === 'folder') {
      const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Model folder' });
      if (!folder?.[0]) return undefined;
      value = folder[0].fsPath;
    } else if (value === 'hub') {
      const id = await vscode.window.showInputBox({
        title: 'Hugging Face hub id',
        ignoreFocusOut: true,
        value: current,
        validateInput: (v) => (/^[\w.-]+(\/[\w.-]+)?$/.test(v.trim()) ? undefined : 'owner/name, e.g. bert-base-cased or google/electra-small-discriminator'),
      });
      if (!id) return undefined;
      value = id.trim();
    }
    const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('pasta').update('baseModel', value, target);
    return value;
  },
};
