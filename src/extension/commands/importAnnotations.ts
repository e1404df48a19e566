import * as vscode from 'vscode';
import { DATASET_NAME, datasetNameFor, importNerDataset, type NerImportOptions, type NerImportResult } from '../../core/data/formats/datasetImport.js';
import { describeAddedLabels } from '../../core/project/projectLabels.js';
import type { PastaCommand } from './context.js';

/**
 * Imports a CoNLL or Prodigy/doccano JSONL file as the dataset .pasta/datasets/<name>.jsonl of the workspace
 * folder (imported sentences are not workspace files, so they cannot be sidecar annotations). The file and the
 * name are asked for unless passed: run(ctx, fileUri?, { name?, format?, scheme?, force? }).
 */
export const importAnnotations: PastaCommand = {
  id: 'pasta.importAnnotations',
  async run(ctx, uriArg?: unknown, optionsArg?: unknown): Promise<NerImportResult | undefined> {
    const folder = await pickFolder();
    if (!folder) return undefined;
    let input = uriArg instanceof vscode.Uri ? uriArg : undefined;
    if (!input) {
      const picked = await vscode.window.showOpenDialog({
        title: 'PASTA: import annotations',
        openLabel: 'Import',
        canSelectMany: false,
        defaultUri: folder.uri,
        filters: {
          'CoNLL (IOB2, BIOES)': ['conll', 'conllu', 'iob', 'iob2', 'bio', 'bioes', 'tsv', 'txt'],
          'Prodigy / doccano JSONL': ['jsonl', 'ndjson'],
          'All files': ['*'],
        },
      });
      input = picked?.[0];
      if (!input) return undefined;
    }
    if (input.scheme !== 'file') {
      void vscode.window.showErrorMessage(`PASTA: ${input.toString()} is not a local file.`);
      return undefined;
    }
    const options: NerImportOptions = typeof optionsArg === 'object' && optionsArg !== null ? (optionsArg as NerImportOptions) : {};
    if (options.name === undefined) {
      const name = await vscode.window.showInputBox({
        title: 'PASTA: dataset name',
        prompt: 'Written to .pasta/datasets/<name>.jsonl',
        ignoreFocusOut: true,
        value: datasetNameFor(input.fsPath),
        validateInput: (v) => (DATASET_NAME.test(v) ? undefined : "Start with a letter or digit; use only letters, digits, '.', '_' and '-'"),
      });
      if (!name) return undefined;
      options.name = name;
    }
    let result: NerImportResult;
    try {
      result = await importNerDataset(folder.uri.fsPath, input.fsPath, options);
    } catch (err) {
      if (!options.force && /already exists/.test((err as Error).message)) {
        const replace = await vscode.window.showWarningMessage(`PASTA: the dataset ${options.name} already exists. Replace it?`, { modal: true }, 'Replace');
        if (replace !== 'Replace') return undefined;
        result = await importNerDataset(folder.uri.fsPath, input.fsPath, { ...options, force: true });
      } else throw err;
    }
    const counts = [...result.entities].map(([label, n]) => `${label} ${n}`).join(', ');
    ctx.log.info(`imported ${input.fsPath} into ${result.relativeTarget}: ${result.documents} documents${counts ? `, ${counts}` : ''}`);
    const notes = [result.addedToDataSources ? `added to "dataSources" in .pasta/project.json` : undefined, describeAddedLabels(result.addedLabels)].filter(
      Boolean,
    );
    void vscode.window.showInformationMessage(
      `PASTA: imported ${result.documents} documents with ${[...result.entities.values()].reduce((a, b) => a + b, 0)} entities into ${result.relativeTarget}${notes.length ? ` (${notes.join('; ')})` : ''}.`,
    );
    return result;
  },
};

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showErrorMessage('PASTA: open a folder first: datasets are stored in its .pasta/datasets.');
    return undefined;
  }
  return folders.length === 1
    ? folders[0]
    : vscode.window.showWorkspaceFolderPick({ placeHolder: 'Import into which workspace folder?', ignoreFocusOut: true });
}
