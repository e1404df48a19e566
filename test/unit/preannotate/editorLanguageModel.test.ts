// The vscode.lm path, unit-level: the extension's own adapter (src/extension/preannotate/editorLanguageModel.ts)
// driven with objects of the API's shapes (@types/vscode 1.100: LanguageModelChat, LanguageModelChatMessage,
// CancellationTokenSource, LanguageModelError), since VS Code offers no way to register a test chat provider from
// an extension test without a proposed API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { PreannotateError } from '../../../src/core/preannotate/chatModel.js';
import { preannotateText } from '../../../src/core/preannotate/preannotateText.js';
import { resolveLabels } from '../../../src/core/project/labels.js';
import { EditorLanguageModel, selectEditorModels, type LanguageModelApi } from '../../../src/extension/preannotate/editorLanguageModel.js';

class FakeError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
  static NoPermissions = (message = 'no permissions') => new FakeError(message, 'NoPermissions');
  static Blocked = (message = 'blocked') => new FakeError(message, 'Blocked');
  static NotFound = (message = 'not found') => new FakeError(message, 'NotFound');
}

class FakeTokenSource {
  private listeners: (() => void)[] = [];
  readonly token = {
    isCancellationRequested: false,
    onCancellationRequested: (listener: () => void) => {
      this.listeners.push(listener);
      return { dispose: () => undefined };
    },
  };
  cancel(): void {
    this.token.isCancellationRequested = true;
    for (const l of this.listeners) l();
  }
  dispose(): void {}
}

const message = (role: number) => (content: string) => ({ role, content: [{ value: content }], name: undefined });
const api = {
  lm: { selectChatModels: async () => [] },
  LanguageModelChatMessage: { User: message(1), Assistant: message(2) },
  CancellationTokenSource: FakeTokenSource,
  LanguageModelError: FakeError,
} as unknown as LanguageModelApi;

type Sent = { messages: { role: number; content: { value: string }[] }[]; options: { justification?: string }; token: FakeTokenSource['token'] };

function fakeModel(answer: (sent: Sent) => AsyncIterable<string> | Error): vscode.LanguageModelChat & { sent: Sent[] } {
  const sent: Sent[] = [];
  const textOf = (m: string | { content: { value: string }[] }) => (typeof m === 'string' ? m : m.content.map((p) => p.value).join(''));
  return {
    sent,
    name: 'Test Model',
    id: 'test-model',
    vendor: 'test',
    family: 'test-family',
    version: '1',
    maxInputTokens: 8000,
    async sendRequest(messages: Sent['messages'], options: Sent['options'], token: Sent['token']) {
      const request = { messages, options, token };
      sent.push(request);
      const text = answer(request);
      if (text instanceof Error) throw text;
      return { text, stream: text };
    },
    // One token per word, so that the counts can be checked.
    async countTokens(m: string | { content: { value: string }[] }) {
      return textOf(m).split(/\s+/).filter(Boolean).length;
    },
  } as unknown as vscode.LanguageModelChat & { sent: Sent[] };
}

async function* pieces(...parts: string[]): AsyncIterable<string> {
  for (const part of parts) yield part;
}

const labels = resolveLabels(['person', 'location']);

describe("pre-annotation with the editor's language models (vscode.lm shapes)", () => {
  it('sends the instructions as the first user message with a justification, reads the streamed answer and counts tokens', async () => {
    const parts = ['{"entities": [{"text": "Ada", ', '"label": "person"}, {"text": "Lo', 'ndon", "label": "location"}]}'];
    const model = fakeModel(() => pieces(...parts));
    const text = 'Ada moved to London.';
    const result = await preannotateText(new EditorLanguageModel(api, model), labels, text);
    assert.deepEqual(result.spans, [
      { start: 0, end: 3, label: 'person' },
      { start: 13, end: 19, label: 'location' },
    ]);
    const [sent] = model.sent;
    assert.deepEqual(
      sent.messages.map((m) => m.role),
      [1, 1],
    );
    assert.match(sent.messages[0].content[0].value, /^You annotate named entities/);
    assert.match(sent.options.justification!, /suggest entities/);
    const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
    const promptTokens = words(sent.messages[0].content[0].value) + words(sent.messages[1].content[0].value);
    const completionTokens = words(parts.join(''));
    assert.deepEqual(result.usage, { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, requests: 1 });
  });

  it('cancels the request through its CancellationToken when the run is aborted', async () => {
    let release!: () => void;
    const model = fakeModel((sent) =>
      (async function* () {
        await new Promise<void>((resolve) => {
          release = resolve;
          sent.token.onCancellationRequested(resolve);
        });
        yield '{"entities": []}';
      })(),
    );
    const controller = new AbortController();
    const run = new EditorLanguageModel(api, model).complete([{ role: 'user', content: 'Text:\nAda' }], controller.signal);
    while (model.sent.length === 0 || !release) await new Promise((resolve) => setImmediate(resolve));
    const reason = new Error('cancelled');
    controller.abort(reason);
    await assert.rejects(run, (error) => error === reason);
    assert.equal(model.sent[0].token.isCancellationRequested, true);
  });

  for (const [name, error, expected] of [
    [
      'consent refused',
      FakeError.NoPermissions('The user did not allow it'),
      /^Test Model: PASTA Studio may not use this language model \(consent not given\): The user did not allow it$/,
    ],
    ['quota exhausted', FakeError.Blocked('Rate limited'), /^Test Model: the request was blocked \(quota or rate limit\): Rate limited$/],
    ['model gone', FakeError.NotFound('gone'), /^Test Model is no longer available: gone$/],
    ['anything else', new Error('socket hang up\nat line 2'), /^Test Model failed: socket hang up$/],
  ] as const) {
    it(`says in one line when the ${name}`, async () => {
      const model = fakeModel(() => error);
      await assert.rejects(new EditorLanguageModel(api, model).complete([]), (e: Error) => e instanceof PreannotateError && expected.test(e.message));
    });
  }

  it('says what to do when the editor offers no language model', async () => {
    const none = await selectEditorModels(api, { family: 'gpt-4o' });
    assert.equal(typeof none, 'string');
    assert.match(none as string, /^the editor offers no language model with family "gpt-4o"; install or sign in to an extension that provides one/);
  });
});
