// A loopback server that speaks the OpenAI chat completions API: each request goes to `reply`, which sees the
// request body and returns what to answer (status, headers, a body or a chat completion's content), or never answers.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string };
}

export type Reply = { content: string; usage?: Record<string, number> } | { status: number; headers?: Record<string, string>; body: string } | 'hang';

export interface LoopbackChat {
  /** The API base, e.g. http://127.0.0.1:1234/v1 */
  url: string;
  requests: ChatRequest[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export async function startLoopbackChat(reply: (request: ChatRequest, index: number) => Reply): Promise<LoopbackChat> {
  const requests: ChatRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
      return;
    }
    const request = JSON.parse(await readBody(req)) as ChatRequest;
    requests.push(request);
    const answer = reply(request, requests.length - 1);
    if (answer === 'hang') return;
    if ('status' in answer) {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body);
      return;
    }
    const usage = answer.usage ?? { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        model: request.model,
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer.content } }],
        usage,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The text a request asks about (after "Text:\n" in the user message). */
export function requestedText(request: ChatRequest): string {
  const user = request.messages.find((m) => m.role === 'user')!.content;
  return user.slice(user.indexOf('Text:\n') + 'Text:\n'.length);
}
