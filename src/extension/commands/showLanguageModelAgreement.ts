import * as vscode from 'vscode';
import { suggestionAgreement, type Agreement } from '../../core/preannotate/agreement.js';
import type { PastaCommand } from './context.js';

function agreementMarkdown(folder: string, agreement: Agreement): string {
  const pct = (x: number) => (100 * x).toFixed(1);
  const lines = [`# Language-model suggestions against accepted annotations (${folder})`, ''];
  if (agreement.files.length === 0) {
    lines.push(
      'No file has both language-model suggestions and accepted annotations for its current text yet: pre-annotate files, then accept or correct the suggestions in the review panel.',
    );
  } else {
    const { micro, byLabel, labels } = agreement.report;
    lines.push(`Entity level (same start, end and label), over ${agreement.files.length} file${agreement.files.length === 1 ? '' : 's'}.`, '');
    lines.push('| label | precision | recall | F1 | accepted | suggested |', '|---|--:|--:|--:|--:|--:|');
    for (const label of labels) {
      const s = byLabel[label];
      lines.push(`| ${label} | ${pct(s.precision)} | ${pct(s.recall)} | ${pct(s.f1)} | ${s.support} | ${s.predicted} |`);
    }
    lines.push(`| **micro avg** | ${pct(micro.precision)} | ${pct(micro.recall)} | ${pct(micro.f1)} | ${micro.support} | |`);
  }
  if (agreement.skipped.length > 0) lines.push('', 'Not scored:', ...agreement.skipped.map((s) => `- ${s.file}: ${s.reason}`));
  return `${lines.join('\n')}\n`;
}

/** Shows, as a Markdown preview, how the language model's suggestions score against what people accepted; returns the Markdown. */
export const showLanguageModelAgreement: PastaCommand = {
  id: 'pasta.showLanguageModelAgreement',
  async run(): Promise<string | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showErrorMessage('PASTA: open a folder to score its language-model suggestions.');
      return undefined;
    }
    const markdown = agreementMarkdown(folder.name, await suggestionAgreement(folder.uri.fsPath));
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    return markdown;
  },
};
