// "PASTA: Export Model": an adapter with its base model as a standalone ONNX folder (Optimum, onnxruntime) or a
// Triton model repository, as `pasta export-model` writes it; several adapters picked make one multi-adapter model
// (`pasta export-model --adapters`).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ExportedModel } from '../../core/export/exportModel.js';
import { pickAdapters } from './adapterPick.js';
import { requireTrust } from '../trust.js';
import type { PastaCommand } from './context.js';

/** The command's optional argument: the adapter(s), the folder to create and the layout, each asked for when absent. */
interface ExportArgs {
  adapterName?: string;
  /** Several adapters of one base: one model choosing each row's adapter by its input adapter_ids. */
  adapterNames?: string[];
  out?: string;
  triton?: boolean;
}

function parseArgs(arg: unknown): ExportArgs {
  if (typeof arg === 'string') return { adapterName: arg };
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  return {
    adapterName: typeof a.adapterName === 'string' ? a.adapterName : undefined,
    adapterNames: Array.isArray(a.adapterNames) && a.adapterNames.every((n) => typeof n === 'string') ? (a.adapterNames as string[]) : undefined,
    out: typeof a.out === 'string' ? a.out : undefined,
    triton: typeof a.triton === 'boolean' ? a.triton : undefined,
  };
}

async function pickLayout(): Promise<boolean | undefined> {
  const items = [
    { label: 'Hugging Face / Optimum folder', description: 'model.onnx, config.json, tokenizer files, README.md', triton: false },
    { label: 'Triton model repository', description: '<adapter>/config.pbtxt and <adapter>/1/model.onnx', triton: true },
  ];
  return (await vscode.window.showQuickPick(items, { title: 'PASTA: Export Model as', ignoreFocusOut: true }))?.triton;
}

export const exportModelCommand: PastaCommand = {
  id: 'pasta.exportModel',
  async run(ctx, arg?: unknown): Promise<ExportedModel | undefined> {
    if (!requireTrust('exporting a model')) return undefined;
    const args = parseArgs(arg);
    const named = args.adapterNames ?? (args.adapterName !== undefined ? [args.adapterName] : undefined);
    const adapters = await pickAdapters(ctx, named, {
      title: 'PASTA: Export Model',
      placeHolder: 'The adapter to export with its base model (several of one base make one model that picks per row)',
    });
    if (!adapters) return undefined;
    const folder = adapters[0].folder;
    const name = adapters.map((a) => a.name).join('_');
    const triton = args.triton ?? (await pickLayout());
    if (triton === undefined) return undefined;
    const target =
      args.out !== undefined
        ? vscode.Uri.file(args.out)
        : await vscode.window.showSaveDialog({
            title: 'PASTA: Export Model: the new folder to write',
            saveLabel: 'Export',
            defaultUri: vscode.Uri.joinPath(folder.uri, `${name}-${triton ? 'triton' : 'onnx'}`),
          });
    if (!target) return undefined;
    if (target.scheme !== 'file') throw new Error(`${target.toString()} is not a local folder`);
    if (existsSync(target.fsPath)) throw new Error(`${target.fsPath} already exists; export to a new folder`);
    const options = { workspaceRoot: folder.uri.fsPath, out: target.fsPath, triton };
    const exported = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `PASTA: exporting ${adapters.map((a) => a.name).join(', ')}` },
      // The engine's graph code loads only when a command needs it.
      async (progress) => {
        const onProgress = (stage: string) => progress.report({ message: stage });
        return adapters.length === 1
          ? (await import('../../core/export/exportModel.js')).exportModel({ ...options, adapter: name, onProgress })
          : (await import('../../core/export/exportMultiAdapterModel.js')).exportMultiAdapterModel({
              ...options,
              adapters: adapters.map((a) => a.name),
              onProgress,
            });
      },
    );
    ctx.log.info(`exported ${name} to ${exported.out}: ${exported.files.length} files${exported.externalData ? ', weights in model.onnx_data' : ''}`);
    if (args.out === undefined) {
      void vscode.window
        .showInformationMessage(
          `PASTA: exported ${adapters.map((a) => a.name).join(', ')} to ${vscode.workspace.asRelativePath(exported.out)}.`,
          'Open Model Card',
        )
        .then((action) => {
          if (action) void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(`${exported.modelDir}/README.md`));
        });
    }
    return exported;
  },
};
