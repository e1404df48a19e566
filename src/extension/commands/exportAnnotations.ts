import * as vscode from 'vscode';
import { exportWorkspaceAnnotations, type AnnotationExportFormat } from '../../core/data/formats/annotationExport.js';
import { writeFileAtomic } from '../../core/util/atomicWrite.js';
import type { PastaCommand } from './context.js';

const FORMATS: { label: string; description: string; format: AnnotationExportFormat; extension: string }[] = [
  { label: 'CoNLL (IOB2)', description: 'token<TAB>tag, a blank line between sentences', format: { kind: 'conll', scheme: 'IOB2' }, extension: 'conll' },
  { label: 'CoNLL (BIOES)', description: 'token<TAB>tag with S- and E- tags', format: { kind: 'conll', scheme: 'BIOES' }, extension: 'conll' },
  { label: 'JSONL (Prodigy)', description: '{"text", "spans": [{"start", "end", "label"}]}', format: { kind: 'jsonl', style: 'prodigy' }, extension: 'jsonl' },
  { label: 'JSONL (doccano)', description: '{"text", "label": [[start, end, label]]}', format: { kind: 'jsonl', style: 'doccano' }, extension: 'jsonl' },
  {
    label: 'JSONL (doccano entities)',
    description: '{"text", "entities": [{"id", "label", "start_offset", "end_offset"}], "relations": []}',
    format: { kind: 'jsonl', style: 'doccano-entities' },
    extension: 'jsonl',
  },
];

/**
 * Exports every annotated file of the workspace folder to CoNLL or JSONL. The format and the file are asked for
 * unless passed: run(ctx, targetUri?, format?) with format one of conll-iob2, conll-bioes, jsonl-prodigy, jsonl-doccano, jsonl-doccano-entities.
 */
export const exportAnnotations: PastaCommand = {
  id: 'pasta.exportAnnotations',
  async run(ctx, uriArg?: unknown, formatArg?: unknown): Promise<{ file: string; files: number; entities: number } | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const folder =
      folders.length <= 1
        ? folders[0]
        : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Export the annotations of which workspace folder?', ignoreFocusOut: true });
    if (!folder) {
      if (folders.length === 0) void vscode.window.showErrorMessage('PASTA: open a folder with annotations first.');
      return undefined;
    }
    const choice =
      typeof formatArg === 'string'
        ? FORMATS.find((f) => formatId(f.format) === formatArg)
        : await vscode.window.showQuickPick(FORMATS, { title: 'PASTA: export annotations as', ignoreFocusOut: true });
    if (!choice) {
      if (typeof formatArg === 'string')
        void vscode.window.showErrorMessage(`PASTA: unknown export format "${formatArg}"; use ${FORMATS.map((f) => formatId(f.format)).join(', ')}.`);
      return undefined;
    }
    const target =
      uriArg instanceof vscode.Uri
        ? uriArg
        : await vscode.window.showSaveDialog({
            title: 'PASTA: export annotations',
            saveLabel: 'Export',
            defaultUri: vscode.Uri.joinPath(folder.uri, `annotations.${choice.extension}`),
            filters: choice.format.kind === 'conll' ? { CoNLL: ['conll', 'iob', 'bio', 'tsv', 'txt'] } : { JSONL: ['jsonl'] },
          });
    if (!target) return undefined;
    if (target.scheme !== 'file') {
      void vscode.window.showErrorMessage(`PASTA: ${target.toString()} is not a local file.`);
      return undefined;
    }
    const result = await exportWorkspaceAnnotations(folder.uri.fsPath, choice.format);
    await writeFileAtomic(target.fsPath, result.text);
    for (const problem of result.skipped) ctx.log.warn(`export: skipped ${problem.message}`);
    const skipped = result.skipped.length > 0 ? ` ${result.skipped.length} file(s) changed since they were annotated were skipped (see the PASTA output).` : '';
    void vscode.window.showInformationMessage(
      `PASTA: exported ${result.files} annotated files with ${result.entities} entities to ${vscode.workspace.asRelativePath(target)} (${choice.label}).${skipped}`,
    );
    return { file: target.fsPath, files: result.files, entities: result.entities };
  },
};

function formatId(format: AnnotationExportFormat): string {
  return format.kind === 'conll' ? `conll-${format.scheme.toLowerCase()}` : `jsonl-${format.style}`;
}
