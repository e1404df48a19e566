// A base model the hub cannot serve is bad input, never a bug: offline (a host name that does not resolve), a
// refused connection, a TLS certificate not trusted, 401, 403 and 404 each give one line with the reason and what
// to do (a local folder, HF_ENDPOINT, HF_TOKEN, NODE_EXTRA_CA_CERTS), and `pasta train` exits 1 with it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../../src/core/data/types.js';
import { resolveBaseModelDir } from '../../../src/core/project/baseModel.js';
import { FakeHub } from '../../helpers/fakeHub.js';
import { runPasta, tempWorkspaces } from '../cli/runPasta.js';

const root = mkdtempSync(join(tmpdir(), 'pasta-network-'));
const workspace = tempWorkspaces('pasta-network-ws-');
const LOCAL = 'or use a local model folder as the base model';
const OFFLINE = 'check the network connection, or set HF_ENDPOINT to a hub mirror you can reach';

/** A TLS server whose certificate, made now, no one trusts. */
async function selfSignedServer(): Promise<{ server: Server; url: string }> {
  const dir = mkdtempSync(join(root, 'tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The base model's one-line error with HF_ENDPOINT (and HF_TOKEN) set as given. */
async function failure(spec: string, env: { HF_ENDPOINT: string; HF_TOKEN?: string }): Promise<InputError> {
  const saved = { endpoint: process.env.HF_ENDPOINT, token: process.env.HF_TOKEN, cache: process.env.PASTA_CACHE_DIR };
  process.env.HF_ENDPOINT = env.HF_ENDPOINT;
  process.env.PASTA_CACHE_DIR = mkdtempSync(join(root, 'cache-'));
  if (env.HF_TOKEN === undefined) delete process.env.HF_TOKEN;
  else process.env.HF_TOKEN = env.HF_TOKEN;
  try {
    await resolveBaseModelDir(spec, root);
  } catch (error) {
    assert.ok(error instanceof InputError, `not an InputError: ${(error as Error).stack}`);
    assert.ok(!error.message.includes('\n'), error.message);
    return error;
  } finally {
    for (const [key, value] of [
      ['HF_ENDPOINT', saved.endpoint],
      ['HF_TOKEN', saved.token],
      ['PASTA_CACHE_DIR', saved.cache],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  assert.fail(`${spec} resolved`);
}

describe('a base model the hub cannot serve', () => {
  let hub: FakeHub;
  let tls: { server: Server; url: string };
  let closedPort: string;
  before(async () => {
    hub = await FakeHub.start([{ repoId: 'acme/gated-bert', files: { 'config.json': '{}' }, token: 'hf_granted' }]);
    tls = await selfSignedServer();
    const closed = await FakeHub.start([]);
    closedPort = closed.url;
    await closed.close();
  });
  after(async () => {
    await hub.close();
    tls.server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('offline: a host name that does not resolve', async () => {
    const error = await failure('acme/bert', { HF_ENDPOINT: 'https://hub.pasta-studio.invalid' });
    assert.equal(
      error.message,
      `acme/bert: cannot reach https://hub.pasta-studio.invalid: its host name does not resolve (ENOTFOUND): offline, or a wrong HF_ENDPOINT; ${OFFLINE}; ${LOCAL}`,
    );
  });

  it('a refused connection', async () => {
    const error = await failure('acme/bert', { HF_ENDPOINT: closedPort });
    assert.equal(error.message, `acme/bert: cannot reach ${closedPort}: the connection was refused (ECONNREFUSED); ${OFFLINE}; ${LOCAL}`);
  });

  it('a TLS certificate that is not trusted', async () => {
    const error = await failure('acme/bert', { HF_ENDPOINT: tls.url });
    assert.equal(
      error.message,
      `acme/bert: cannot reach ${tls.url}: its TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); behind a proxy that re-signs TLS, point NODE_EXTRA_CA_CERTS at its CA certificate; or set HF_ENDPOINT to a hub mirror you trust; ${LOCAL}`,
    );
  });

  it('401 without a token, 403 with one not granted: HF_TOKEN', async () => {
    const without = await failure('acme/gated-bert', { HF_ENDPOINT: hub.url });
    assert.equal(
      without.message,
      `acme/gated-bert: access to acme/gated-bert denied (HTTP 401): it is gated: accept its conditions on the hub, then set HF_TOKEN to a token with access; ${LOCAL}`,
    );
    const wrong = await failure('acme/gated-bert', { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_other' });
    assert.equal(
      wrong.message,
      `acme/gated-bert: access to acme/gated-bert denied (HTTP 403): it is gated: accept its conditions on the hub, then check that HF_TOKEN grants access to it; ${LOCAL}`,
    );
  });

  it('404: the id, or HF_TOKEN for a private repository', async () => {
    const error = await failure('nobody/nothing', { HF_ENDPOINT: hub.url });
    assert.equal(
      error.message,
      `nobody/nothing: repository nobody/nothing not found on ${hub.url} (HTTP 404): check the id, or set HF_TOKEN if it is private; ${LOCAL}`,
    );
  });

  it('pasta train says it in one line and exits 1', () => {
    const ws = workspace({ labels: ['PER'], baseModel: 'acme/bert' });
    mkdirSync(join(ws, '.pasta', 'datasets'));
    writeFileSync(
      join(ws, '.pasta', 'datasets', 'people.jsonl'),
      '{"text": "Ada left", "spans": [{"start": 0, "end": 3, "label": "PER"}]}\n{"text": "Bo came", "spans": [{"start": 0, "end": 2, "label": "PER"}]}\n',
    );
    // Endpoints that need no server in this process: runPasta waits synchronously, so this process cannot answer.
    for (const endpoint of ['https://hub.pasta-studio.invalid', closedPort]) {
      const res = runPasta(['train'], { cwd: ws, env: { HF_ENDPOINT: endpoint, PASTA_CACHE_DIR: mkdtempSync(join(root, 'cache-')) } });
      const lines = res.stderr.trimEnd().split('\n');
      assert.equal(lines.at(-1)?.startsWith(`error: acme/bert: `), true, res.stderr);
      assert.ok(lines.at(-1)?.endsWith(LOCAL), res.stderr);
      assert.doesNotMatch(res.stderr, /internal error|This is a bug/);
      assert.equal(res.status, 1);
    }
  });
});
