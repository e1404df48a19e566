// The language model the settings choose: the editor's models (vscode.lm; a pick when several are offered and
// pasta.preannotate.editorModel names none) or an OpenAI-compatible endpoint, its API key in SecretStorage.
import * as vscode from 'vscode';
import { ChatCompletionsEndpoint } from '../../core/preannotate/chatCompletions.js';
import type { ChatModel } from '../../core/preannotate/chatModel.js';
import { EditorLanguageModel, selectEditorModels } from './editorLanguageModel.js';

export const API_KEY_SECRET = 'pasta.preannotate.apiKey';

export interface PreannotateSettings {
  source: 'editor' | 'endpoint';
  /** A model family or id of the editor's models ("gpt-4o"); empty: any, picked when several. */
  editorModel: string;
  endpoint: string;
  model: string;
  timeoutSeconds: number;
}

export function readPreannotateSettings(scope?: vscode.ConfigurationScope): PreannotateSettings {
  const c = vscode.workspace.getConfiguration('pasta.preannotate', scope);
  return {
    source: c.get<string>('source', 'editor') === 'endpoint' ? 'endpoint' : 'editor',
    editorModel: c.get<string>('editorModel', '').trim(),
    endpoint: c.get<string>('endpoint', 'http://localhost:11434/v1').trim(),
    model: c.get<string>('model', '').trim(),
    timeoutSeconds: Math.max(1, c.get<number>('timeoutSeconds', 120)),
  };
}

/** The model to ask, or a one-line reason there is none (the user cancelled the pick: undefined). */
export async function chatModelFromSettings(secrets: vscode.SecretStorage, scope?: vscode.ConfigurationScope): Promise<ChatModel | string | undefined> {
  const settings = readPreannotateSettings(scope);
  if (settings.source === 'endpoint') {
    if (!/^https?:\/\//.test(settings.endpoint)) return `pasta.preannotate.endpoint must be an http(s) URL, found ${JSON.stringify(settings.endpoint)}`;
    if (!settings.model) return 'set pasta.preannotate.model to the model the endpoint serves (e.g. llama3.1 for Ollama)';
    const apiKey = await secrets.get(API_KEY_SECRET);
    return new ChatCompletionsEndpoint({ url: settings.endpoint, model: settings.model, apiKey, timeoutMs: settings.timeoutSeconds * 1000 });
  }
  const byFamily = settings.editorModel ? await selectEditorModels(vscode, { family: settings.editorModel }) : undefined;
  const models = Array.isArray(byFamily)
    ? byFamily
    : settings.editorModel
      ? await selectEditorModels(vscode, { id: settings.editorModel })
      : await selectEditorModels(vscode, {});
  if (typeof models === 'string') return models;
  if (models.length === 1) return new EditorLanguageModel(vscode, models[0]);
  const picked = await vscode.window.showQuickPick(
    models.map((model) => ({
      label: model.name,
      description: `${model.vendor} · ${model.family}`,
      detail: `up to ${model.maxInputTokens.toLocaleString('en-US')} input tokens`,
      model,
    })),
    { title: 'PASTA: which language model suggests entities?', placeHolder: 'Set pasta.preannotate.editorModel to skip this question', ignoreFocusOut: true },
  );
  return picked ? new EditorLanguageModel(vscode, picked.model) : undefined;
}
