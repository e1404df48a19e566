// The editor's language models (vscode.lm: Copilot's, or any extension's provider) as a ChatModel. The API is passed
// in, not imported, so that a unit test drives this same code with the API's shapes; the extension passes `vscode`.
// vscode.lm has no system role: the instructions go first as a user message. Consent is VS Code's: the first request
// of an extension asks the user, with the justification shown; a refusal, the user's quota or a missing model come
// back as LanguageModelError and are said in one line.
import type * as vscode from 'vscode';
import { PreannotateError, type ChatAnswer, type ChatModel } from '../../core/preannotate/chatModel.js';
import type { ChatMessage } from '../../core/preannotate/prompt.js';

/** The part of the `vscode` module this file uses. */
export interface LanguageModelApi {
  lm: { selectChatModels(selector?: vscode.LanguageModelChatSelector): Thenable<vscode.LanguageModelChat[]> };
  LanguageModelChatMessage: { User(content: string): vscode.LanguageModelChatMessage; Assistant(content: string): vscode.LanguageModelChatMessage };
  CancellationTokenSource: new () => vscode.CancellationTokenSource;
  LanguageModelError: {
    new (...args: never[]): vscode.LanguageModelError;
    NoPermissions(): vscode.LanguageModelError;
    Blocked(): vscode.LanguageModelError;
    NotFound(): vscode.LanguageModelError;
  };
}

const JUSTIFICATION = 'PASTA Studio asks a language model to suggest entities in your files; you accept or reject each suggestion before anything is written.';

export class EditorLanguageModel implements ChatModel {
  readonly description: string;

  constructor(
    private readonly api: LanguageModelApi,
    private readonly model: vscode.LanguageModelChat,
  ) {
    this.description = `${model.name} (${model.vendor}, in the editor)`;
  }

  async complete(messages: readonly ChatMessage[], signal?: AbortSignal): Promise<ChatAnswer> {
    signal?.throwIfAborted();
    const asked = messages.map((m) =>
      m.role === 'assistant' ? this.api.LanguageModelChatMessage.Assistant(m.content) : this.api.LanguageModelChatMessage.User(m.content),
    );
    const cancellation = new this.api.CancellationTokenSource();
    const onAbort = () => cancellation.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.model.sendRequest(asked, { justification: JUSTIFICATION }, cancellation.token);
      let content = '';
      for await (const part of response.text) content += part;
      signal?.throwIfAborted();
      const promptTokens = (await Promise.all(asked.map((m) => this.model.countTokens(m, cancellation.token)))).reduce((a, b) => a + b, 0);
      const completionTokens = content === '' ? 0 : await this.model.countTokens(content, cancellation.token);
      return { content, usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, requests: 1 } };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new PreannotateError(this.describeFailure(error));
    } finally {
      signal?.removeEventListener('abort', onAbort);
      cancellation.dispose();
    }
  }

  private describeFailure(error: unknown): string {
    const { LanguageModelError } = this.api;
    const message = (error as Error)?.message ?? String(error);
    if (error instanceof LanguageModelError) {
      if (error.code === LanguageModelError.NoPermissions().code)
        return `${this.model.name}: PASTA Studio may not use this language model (consent not given): ${message}`;
      if (error.code === LanguageModelError.Blocked().code) return `${this.model.name}: the request was blocked (quota or rate limit): ${message}`;
      if (error.code === LanguageModelError.NotFound().code) return `${this.model.name} is no longer available: ${message}`;
    }
    return `${this.model.name} failed: ${message.split('\n')[0]}`;
  }
}

/** The editor's chat models matching the selector (all when it is empty); a one-line reason when there is none. */
export async function selectEditorModels(api: LanguageModelApi, selector: vscode.LanguageModelChatSelector): Promise<vscode.LanguageModelChat[] | string> {
  const models = await api.lm.selectChatModels(selector);
  if (models.length > 0) return models;
  const wanted = Object.entries(selector)
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(', ');
  return `the editor offers no language model${wanted ? ` with ${wanted}` : ''}; install or sign in to an extension that provides one (e.g. GitHub Copilot Chat), or set pasta.preannotate.source to "endpoint"`;
}
