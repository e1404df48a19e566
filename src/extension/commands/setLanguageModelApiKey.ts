import * as vscode from 'vscode';
import { API_KEY_SECRET } from '../preannotate/chatModelFromSettings.js';
import type { PastaCommand } from './context.js';

/** Stores the endpoint's API key in VS Code's secret storage (never in settings); an empty entry removes it. */
export const setLanguageModelApiKey: PastaCommand = {
  id: 'pasta.setLanguageModelApiKey',
  async run(ctx): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: 'PASTA: API key of the language-model endpoint',
      prompt: "Sent as a bearer token to pasta.preannotate.endpoint; kept in VS Code's secret storage. Leave empty to remove it.",
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return false;
    if (key.trim() === '') await ctx.extension.secrets.delete(API_KEY_SECRET);
    else await ctx.extension.secrets.store(API_KEY_SECRET, key.trim());
    void vscode.window.showInformationMessage(key.trim() === '' ? 'PASTA: API key removed.' : 'PASTA: API key stored.');
    return true;
  },
};
