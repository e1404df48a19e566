// An OpenAI-compatible chat completions endpoint (OpenAI, Ollama, llama.cpp, vLLM, LiteLLM, OpenRouter) as a
// ChatModel: JSON answers asked for with response_format where the server takes it, a timeout per request,
// cancellation through an AbortSignal, and 429 answers retried after the wait the server asks for (bounded).
import type { ChatAnswer, ChatModel } from './chatModel.js';
import { PreannotateError } from './chatModel.js';
import type { ChatMessage } from './prompt.js';

export interface EndpointOptions {
  /** The API's base ("http://localhost:11434/v1") or its chat completions URL. */
  url: string;
  model: string;
  apiKey?: string;
  /** Per request, retries apart. */
  timeoutMs?: number;
  /** 429 answers retried at most this many times. */
  maxRetries?: number;
  /** The longest wait a 429's retry-after may ask for; a longer one ends the run with its reason. */
  maxRetryWaitMs?: number;
}

const DEFAULTS = { timeoutMs: 120_000, maxRetries: 4, maxRetryWaitMs: 60_000 };
/** Without retry-after, waits double from this. */
const FIRST_BACKOFF_MS = 1000;

export function chatCompletionsUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}

/** Milliseconds a retry-after header asks for (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const firstLine = (text: string) => {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
};

/** The error message a server put in its body ({"error": {"message"}} or {"error": "..."}), else its first line. */
function serverMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof json.error === 'string' ? json.error : (json.error?.message ?? json.message);
    if (typeof message === 'string') return firstLine(message);
  } catch {
    // not JSON: its text says it
  }
  return firstLine(body);
}

export class ChatCompletionsEndpoint implements ChatModel {
  readonly url: string;
  readonly description: string;
  private readonly options: Required<Omit<EndpointOptions, 'apiKey'>> & { apiKey?: string };
  /** Cleared once the server refuses response_format, so later requests leave it out. */
  private jsonMode = true;

  constructor(options: EndpointOptions) {
    this.options = { ...DEFAULTS, ...options };
    this.url = chatCompletionsUrl(options.url);
    this.description = `${options.model} at ${options.url}`;
  }

  async complete(messages: readonly ChatMessage[], signal?: AbortSignal): Promise<ChatAnswer> {
    let backoff = FIRST_BACKOFF_MS;
    for (let attempt = 0; ; attempt++) {
      const response = await this.post(messages, signal);
      const body = await response.text();
      if (response.status === 429) {
        const asked = retryAfterMs(response.headers.get('retry-after'));
        const wait = asked ?? backoff;
        backoff *= 2;
        if (attempt >= this.options.maxRetries) {
          throw new PreannotateError(`${this.url} is rate limiting (429) after ${attempt + 1} tries: ${serverMessage(body) || 'too many requests'}`);
        }
        if (wait > this.options.maxRetryWaitMs) {
          throw new PreannotateError(
            `${this.url} is rate limiting (429) and asks to wait ${Math.ceil(wait / 1000)} s, longer than ${Math.ceil(this.options.maxRetryWaitMs / 1000)} s; run again later`,
          );
        }
        await sleep(wait, signal);
        continue;
      }
      if (response.status === 400 && this.jsonMode && /response_format|json_object/i.test(body)) {
        this.jsonMode = false;
        continue;
      }
      if (!response.ok) throw new PreannotateError(this.describeStatus(response.status, body));
      return this.readAnswer(body);
    }
  }

  private async post(messages: readonly ChatMessage[], signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const request = {
      model: this.options.model,
      messages,
      temperature: 0,
      ...(this.jsonMode ? { response_format: { type: 'json_object' } } : {}),
    };
    try {
      return await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
        body: JSON.stringify(request),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new PreannotateError(`${this.url} did not answer within ${Number((this.options.timeoutMs / 1000).toFixed(1))} s`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new PreannotateError(`cannot reach ${this.url} (${cause?.code ?? cause?.message ?? (error as Error).message}): is the server running?`);
    }
  }

  private describeStatus(status: number, body: string): string {
    const said = serverMessage(body);
    const suffix = said ? `: ${said}` : '';
    if (status === 401 || status === 403) return `${this.url} refused the request (${status}); check the API key${suffix}`;
    if (status === 404) return `${this.url} has no chat completions or no model ${JSON.stringify(this.options.model)} (404)${suffix}`;
    return `${this.url} answered ${status}${suffix}`;
  }

  private readAnswer(body: string): ChatAnswer {
    let json: { choices?: { message?: { content?: unknown } }[]; usage?: Record<string, unknown> };
    try {
      json = JSON.parse(body) as typeof json;
    } catch {
      throw new PreannotateError(`${this.url} answered something other than a chat completion: ${JSON.stringify(firstLine(body))}`);
    }
    const content = json?.choices?.[0]?.message?.content;
    if (content !== null && content !== undefined && typeof content !== 'string') {
      throw new PreannotateError(`${this.url} answered a chat completion whose message content is not text`);
    }
    const usage = json.usage ?? {};
    const count = (key: string) => (typeof usage[key] === 'number' ? (usage[key] as number) : 0);
    const promptTokens = count('prompt_tokens');
    const completionTokens = count('completion_tokens');
    return {
      content: content ?? '',
      usage: {
        promptTokens,
        completionTokens,
        totalTokens: count('total_tokens') || promptTokens + completionTokens,
        ...(typeof usage.cost === 'number' ? { cost: usage.cost } : {}),
        requests: 1,
      },
    };
  }
}
