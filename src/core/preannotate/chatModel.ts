// What pre-annotation needs of a language model, whichever serves it (an OpenAI-compatible endpoint, or the
// editor's models through vscode.lm): messages in, the answer's text and what it cost out.
import type { ChatMessage } from './prompt.js';
import type { Usage } from './usage.js';

export interface ChatAnswer {
  content: string;
  usage: Usage;
}

export interface ChatModel {
  /** Names the model in suggestions files and messages ("gpt-4o-mini at http://localhost:11434/v1"). */
  readonly description: string;
  /** Rejects with a PreannotateError (one line) when no usable answer came, or with the signal's reason. */
  complete(messages: readonly ChatMessage[], signal?: AbortSignal): Promise<ChatAnswer>;
}

/** A failure with one line for people: an endpoint that is down or slow, an answer that cannot be used. */
export class PreannotateError extends Error {
  constructor(
    message: string,
    /** 'answer': this text's answer cannot be used (other texts may fare better); 'endpoint': no answer came. */
    readonly failed: 'answer' | 'endpoint' = 'endpoint',
  ) {
    super(message);
    this.name = 'PreannotateError';
  }
}
