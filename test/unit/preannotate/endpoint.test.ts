import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { resolveLabels } from '../../../src/core/project/labels.js';
import { ChatCompletionsEndpoint, retryAfterMs } from '../../../src/core/preannotate/chatCompletions.js';
import { PreannotateError } from '../../../src/core/preannotate/chatModel.js';
import { preannotateText } from '../../../src/core/preannotate/preannotateText.js';
import { requestedText, startLoopbackChat, type LoopbackChat, type Reply } from './loopbackChat.js';

const labels = resolveLabels([{ name: 'person', description: 'people, real or fictional', examples: ['Ada Lovelace'] }, 'location', 'corporation']);
const servers: LoopbackChat[] = [];
after(async () => Promise.all(servers.map((s) => s.close())));

async function serve(reply: (request: Parameters<Parameters<typeof startLoopbackChat>[0]>[0], index: number) => Reply): Promise<LoopbackChat> {
  const server = await startLoopbackChat(reply);
  servers.push(server);
  return server;
}

const entities = (list: unknown[]) => JSON.stringify({ entities: list });
const spansOf = (text: string, spans: { start: number; end: number; label: string }[]) =>
  spans.map((s) => `${s.label}:${text.slice(s.start, s.end)}@${s.start}`);

describe('pre-annotation through an OpenAI-compatible endpoint', () => {
  it('asks for JSON with the labels, their descriptions and examples, and places a well-formed answer exactly', async () => {
    const text = 'Ada Lovelace met Charles Babbage in London.\nLondon was foggy.';
    const server = await serve(() => ({
      content: entities([
        { text: 'Ada Lovelace', label: 'person' },
        { text: 'Charles Babbage', label: 'person' },
        { text: 'London', label: 'location', occurrence: 2 },
      ]),
      usage: { prompt_tokens: 210, completion_tokens: 40, total_tokens: 250, cost: 0.0012 },
    }));
    const model = new ChatCompletionsEndpoint({ url: server.url, model: 'test-model', apiKey: 'sk-test' });
    const result = await preannotateText(model, labels, text);
    assert.deepEqual(spansOf(text, result.spans), ['person:Ada Lovelace@0', 'person:Charles Babbage@17', 'location:London@44']);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.usage, { promptTokens: 210, completionTokens: 40, totalTokens: 250, cost: 0.0012, requests: 1 });
    const [request] = server.requests;
    assert.equal(request.model, 'test-model');
    assert.deepEqual(request.response_format, { type: 'json_object' });
    assert.match(request.messages[0].content, /- person: people, real or fictional \(e\.g\. "Ada Lovelace"\)\n- location\n- corporation/);
    assert.equal(requestedText(request), text);
  });

  it('splits a long text at paragraph boundaries, asks once per part and sums tokens and cost', async () => {
    const paragraph = (name: string) => `${name} visited Paris. `.repeat(6).trim();
    const text = [paragraph('Ada'), paragraph('Grace'), paragraph('Alan')].join('\n\n');
    const server = await serve((request) => {
      const part = requestedText(request);
      const name = /^\w+/.exec(part)![0];
      return { content: entities([{ text: name, label: 'person' }]), usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60, cost: 0.5 } };
    });
    const model = new ChatCompletionsEndpoint({ url: server.url, model: 'm' });
    const result = await preannotateText(model, labels, text, { maxChunkChars: paragraph('Grace').length + 2 });
    assert.equal(server.requests.length, 3);
    for (const request of server.requests) assert.ok(!requestedText(request).trim().includes('\n\n'), 'a part holds one paragraph');
    assert.equal(result.spans.length, 18);
    for (const span of result.spans) assert.match(text.slice(span.start, span.end), /^(Ada|Grace|Alan)$/);
    assert.deepEqual(result.usage, { promptTokens: 150, completionTokens: 30, totalTokens: 180, cost: 1.5, requests: 3 });
  });

  it('reports entities not in the text, labels outside the project and offsets past the text, keeping the rest', async () => {
    const text = 'Grace Hopper worked at Harvard.';
    const server = await serve(() => ({
      content: entities([
        { text: 'Grace Hopper', label: 'person' },
        { text: 'Yale', label: 'corporation' },
        { text: 'Harvard', label: 'university' },
        { text: 'Harvard', label: 'corporation', start: 23, end: 30 },
        { text: 'Harvard', label: 'corporation', start: 40, end: 47 },
        { text: 'Hop', label: 'person' },
        { label: 'person' },
      ]),
    }));
    const result = await preannotateText(new ChatCompletionsEndpoint({ url: server.url, model: 'm' }), labels, text);
    assert.deepEqual(spansOf(text, result.spans), ['person:Grace Hopper@0', 'corporation:Harvard@23']);
    assert.equal(result.problems.length, 5, result.problems.join('\n'));
    assert.match(result.problems.join('\n'), /entities\[6\]\.text: /);
    assert.match(result.problems.join('\n'), /"Yale" \(corporation\) is not in the text/);
    assert.match(result.problems.join('\n'), /"Harvard" has the label "university", which the project does not have \(person, location, corporation\)/);
    assert.match(result.problems.join('\n'), /"Harvard" \(corporation\) at 40-47 is past the end of the text \(31 characters\)/);
    assert.match(result.problems.join('\n'), /"Hop" \(person\) occurs only inside other words/);
  });

  it('keeps the longer of overlapping entities (the first listed at equal length) and says which gave way', async () => {
    const text = 'New York Times reporters in New York.';
    const server = await serve(() => ({
      content: entities([
        { text: 'New York', label: 'location', occurrence: 1 },
        { text: 'New York Times', label: 'corporation' },
        { text: 'New York', label: 'location', occurrence: 2 },
        { text: 'New York', label: 'corporation', occurrence: 2 },
        { text: 'New York', label: 'location', occurrence: 2 },
      ]),
    }));
    const result = await preannotateText(new ChatCompletionsEndpoint({ url: server.url, model: 'm' }), labels, text);
    assert.deepEqual(spansOf(text, result.spans), ['corporation:New York Times@0', 'location:New York@28']);
    assert.deepEqual(result.problems, [
      '"New York" (location) at 0-8 overlaps "New York Times" (corporation) at 0-14, kept instead',
      '"New York" (corporation) at 28-36 overlaps "New York" (location) at 28-36, kept instead',
    ]);
  });

  for (const [name, content, reason] of [
    ['prose', 'Sure! The entities are Ada and London.', /^the model answered prose, not JSON: "Sure! The entities/],
    ['invalid JSON', '{"entities": [{"text": "Ada", "label": "person"}', /^the model's answer is not valid JSON \(/],
    ['nothing', '', /^the model answered nothing$/],
    ['JSON without entities', '{"people": ["Ada"]}', /^the model's answer has no "entities" list/],
  ] as const) {
    it(`fails the text with one line when the model answers ${name}`, async () => {
      const server = await serve(() => ({ content }));
      const run = preannotateText(new ChatCompletionsEndpoint({ url: server.url, model: 'm' }), labels, 'Ada lives in London.');
      await assert.rejects(run, (error: Error) => error instanceof PreannotateError && reason.test(error.message) && !error.message.includes('\n'));
    });
  }

  it('reads a JSON answer inside a Markdown code fence', async () => {
    const server = await serve(() => ({ content: '```json\n{"entities": [{"text": "Ada", "label": "person"}]}\n```' }));
    const result = await preannotateText(new ChatCompletionsEndpoint({ url: server.url, model: 'm' }), labels, 'Ada lives in London.');
    assert.deepEqual(spansOf('Ada lives in London.', result.spans), ['person:Ada@0']);
  });

  it('waits as long as a 429 asks (retry-after) and then succeeds', async () => {
    const server = await serve((_, index) =>
      index < 2
        ? { status: 429, headers: { 'retry-after': '0' }, body: '{"error":{"message":"slow down"}}' }
        : { content: entities([{ text: 'Ada', label: 'person' }]) },
    );
    const result = await preannotateText(new ChatCompletionsEndpoint({ url: server.url, model: 'm' }), labels, 'Ada.');
    assert.equal(server.requests.length, 3);
    assert.equal(result.spans.length, 1);
  });

  it('gives up on a 429 that asks for a longer wait than allowed, or that never ends, with one line', async () => {
    const long = await serve(() => ({ status: 429, headers: { 'retry-after': '3600' }, body: '' }));
    await assert.rejects(
      new ChatCompletionsEndpoint({ url: long.url, model: 'm', maxRetryWaitMs: 10_000 }).complete([]),
      /is rate limiting \(429\) and asks to wait 3600 s, longer than 10 s; run again later$/,
    );
    assert.equal(long.requests.length, 1);
    const endless = await serve(() => ({ status: 429, headers: { 'retry-after': '0' }, body: '{"error":{"message":"quota exceeded"}}' }));
    await assert.rejects(
      new ChatCompletionsEndpoint({ url: endless.url, model: 'm', maxRetries: 2 }).complete([]),
      /rate limiting \(429\) after 3 tries: quota exceeded$/,
    );
    assert.equal(endless.requests.length, 3);
  });

  it('reads retry-after as seconds or as an HTTP date', () => {
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs('Fri, 04 Dec 2026 12:00:10 GMT', Date.parse('Fri, 04 Dec 2026 12:00:00 GMT')), 10_000);
    assert.equal(retryAfterMs(null), undefined);
    assert.equal(retryAfterMs('soon'), undefined);
  });

  it('says when the endpoint is slow, and stops waiting when cancelled', async () => {
    const server = await serve(() => 'hang');
    await assert.rejects(new ChatCompletionsEndpoint({ url: server.url, model: 'm', timeoutMs: 300 }).complete([]), /did not answer within 0\.3 s$/);
    const controller = new AbortController();
    const run = new ChatCompletionsEndpoint({ url: server.url, model: 'm' }).complete([], controller.signal);
    const cancelled = new Error('cancelled by the user');
    while (server.requests.length < 2) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(cancelled);
    await assert.rejects(run, (error) => error === cancelled);
  });

  it('says when the endpoint is down, refuses the key, or does not know the model', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    await assert.rejects(
      new ChatCompletionsEndpoint({ url: `http://127.0.0.1:${port}/v1`, model: 'm' }).complete([]),
      /^PreannotateError: cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions \(ECONNREFUSED\): is the server running\?$/,
    );
    const refusing = await serve(() => ({ status: 401, body: '{"error":{"message":"Incorrect API key provided"}}' }));
    await assert.rejects(
      new ChatCompletionsEndpoint({ url: refusing.url, model: 'm', apiKey: 'bad' }).complete([]),
      /refused the request \(401\); check the API key: Incorrect API key provided$/,
    );
    const unknown = await serve(() => ({ status: 404, body: '{"error":"model \\"m\\" not found"}' }));
    await assert.rejects(
      new ChatCompletionsEndpoint({ url: unknown.url, model: 'm' }).complete([]),
      /has no chat completions or no model "m" \(404\): model "m" not found$/,
    );
  });

  it('asks again without response_format when the server refuses it, and leaves it out from then on', async () => {
    const server = await serve((request) =>
      request.response_format ? { status: 400, body: '{"error":{"message":"response_format is not supported"}}' } : { content: entities([]) },
    );
    const model = new ChatCompletionsEndpoint({ url: server.url, model: 'm' });
    await model.complete([]);
    await model.complete([]);
    assert.deepEqual(
      server.requests.map((r) => r.response_format?.type ?? 'none'),
      ['json_object', 'none', 'none'],
    );
  });
});
