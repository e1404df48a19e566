import * as vscode from 'vscode';
import { deviceReport, formatDeviceReport } from '../../core/engine/deviceReport.js';
import type { PastaCommand } from './context.js';

/**
 * Shows, as a Markdown preview, the execution providers, the GPU adapter WebGPU would use, what `auto` picks
 * and why, and the device the workspace's latest adapter was trained on; returns the Markdown.
 */
export const showDeviceInfo: PastaCommand = {
  id: 'pasta.showDeviceInfo',
  async run(): Promise<string> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    // The latest adapter is read from the workspace only when it is trusted (nothing is loaded, only listed,
    // but restricted mode reads no adapter files).
    const root = folder && vscode.workspace.isTrusted ? folder.uri.fsPath : undefined;
    const markdown = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PASTA: looking for GPUs' }, async () =>
      formatDeviceReport(await deviceReport(root), 'markdown'),
    );
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    return markdown;
  },
};
