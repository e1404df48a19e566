// A loopback HTTP server (127.0.0.1, port 0) that serves the Hugging Face hub's URL layout:
//   GET  /api/models/{org}/{name}/revision/{rev}      {id, sha, siblings: [{rfilename}]}
//   HEAD|GET /{org}/{name}/resolve/{rev}/{file}       LFS files: 302 to /cdn/{sha256} with X-Linked-Etag and
//                                                     X-Linked-Size; other files: 200 with the git blob sha1 as ETag
//   GET  /cdn/{sha256}                                the LFS bytes, with Range support, on a second server
//                                                     (another origin, as the hub's CDN is)
// plus switches that misbehave the way real networks and servers do.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  repoId: string;
  files: Record<string, Buffer | string>;
  /** Extra branch or tag names; "main" and the commit hash always resolve. */
  branches?: string[];
  /** When set, every request must carry `Authorization: Bearer {token}` (a gated or private repository). */
  token?: string;
}

export interface FakeHubRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Whether it reached the CDN server rather than the hub. */
  cdn: boolean;
}

interface StoredFile {
  bytes: Buffer;
  lfs: boolean;
  sha256: string;
  gitSha1: string;
}

interface StoredRepo {
  spec: FakeRepo;
  commit: string;
  files: Map<string, StoredFile>;
}

export const isLfsName = (name: string) => /\.(safetensors|bin|onnx|h5)$/.test(name);

export class FakeHub {
  readonly requests: FakeHubRequest[] = [];
  /**
   * Cut the connection after this many body bytes, on the next `times` GETs of the file's bytes, once the client
   * holds them: a test that cuts reports the client's progress through received().
   */
  cut?: { file: string; afterBytes: number; times: number };
  /** Answer Range requests with 200 and the whole file, as some proxies do. */
  ignoreRange = false;
  /** Announce a hash that does not match this file's bytes. */
  wrongHashFor?: string;
  /** Send this many bytes of the file, then hold the connection open until the hub stops. */
  stall?: { file: string; afterBytes: number };

  private readonly held = new Map<string, number>();
  private readonly heldWaiters: { file: string; bytes: number; resolve: () => void }[] = [];
  private readonly repos = new Map<string, StoredRepo>();
  private readonly cdn = new Map<string, { name: string; bytes: Buffer }>();

  private constructor(
    private readonly servers: Server[],
    readonly url: string,
    readonly cdnUrl: string,
    repos: FakeRepo[],
  ) {
    for (const spec of repos) this.addRepo(spec);
  }

  static async start(repos: FakeRepo[]): Promise<FakeHub> {
    const listen = async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    };
    const main = await listen();
    const cdn = await listen();
    const hub = new FakeHub([main.server, cdn.server], main.url, cdn.url, repos);
    main.server.on('request', (req, res) => hub.handle(req, res, false));
    cdn.server.on('request', (req, res) => hub.handle(req, res, true));
    return hub;
  }

  addRepo(spec: FakeRepo): void {
    const files = new Map<string, StoredFile>();
    const commitHash = createHash('sha1').update(spec.repoId);
    for (const [name, content] of Object.entries(spec.files)) {
      const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const gitSha1 = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
      files.set(name, { bytes, lfs: isLfsName(name), sha256, gitSha1 });
      this.cdn.set(sha256, { name, bytes });
      commitHash.update(name).update(sha256);
    }
    this.repos.set(spec.repoId, { spec, commit: commitHash.digest('hex'), files });
  }

  commitOf(repoId: string): string {
    return this.repos.get(repoId)!.commit;
  }

  /** The requests for one repository file's bytes (resolve GETs for plain files, CDN GETs for LFS files). */
  byteRequests(file: string): FakeHubRequest[] {
    return this.requests.filter(
      (r) =>
        r.method === 'GET' && (r.cdn ? this.cdn.get(r.path.slice('/cdn/'.length))?.name === file : r.path.includes('/resolve/') && r.path.endsWith(`/${file}`)),
    );
  }

  /** The client holds `bytes` bytes of `file` now (its progress callback). */
  received(file: string, bytes: number): void {
    this.held.set(file, bytes);
    for (const waiter of this.heldWaiters.filter((w) => w.file === file && w.bytes <= bytes)) {
      this.heldWaiters.splice(this.heldWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  private holds(file: string, bytes: number): Promise<void> {
    if ((this.held.get(file) ?? -1) >= bytes) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push({ file, bytes, resolve }));
  }

  async close(): Promise<void> {
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse, isCdn: boolean): void {
    const path = decodeURI((req.url ?? '/').split('?')[0]);
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, cdn: isCdn });
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(path);
    if (isCdn) {
      if (!cdn || !this.cdn.has(cdn[1])) return this.error(res, 404, undefined, 'Not Found');
      const { name, bytes } = this.cdn.get(cdn[1])!;
      return this.sendBytes(req, res, name, bytes, {});
    }
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/(.+)$/.exec(path);
    if (api && req.method === 'GET') return this.revision(req, res, api[1], decodeURIComponent(api[2]));
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolve) return this.resolve(req, res, resolve[1], resolve[2], resolve[3]);
    this.error(res, 404, undefined, 'Not Found');
  }

  private error(res: ServerResponse, status: number, code: string | undefined, message: string): void {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (code) headers['x-error-code'] = code;
    res.writeHead(status, headers).end(JSON.stringify({ error: message }));
  }

  /** The repository, or undefined after answering the error the hub gives. */
  private authorizedRepo(req: IncomingMessage, res: ServerResponse, repoId: string): StoredRepo | undefined {
    const repo = this.repos.get(repoId);
    if (!repo) {
      this.error(res, 404, 'RepoNotFound', 'Repository not found');
      return undefined;
    }
    if (repo.spec.token && req.headers.authorization !== `Bearer ${repo.spec.token}`) {
      // As the hub: 401 without a token, 403 for a token that was not granted access.
      if (req.headers.authorization) this.error(res, 403, 'GatedRepo', 'Access to this model is restricted and you are not in the authorized list');
      else this.error(res, 401, 'GatedRepo', 'Access to this model is restricted');
      return undefined;
    }
    return repo;
  }

  private resolvesTo(repo: StoredRepo, revision: string): boolean {
    return revision === 'main' || revision === repo.commit || (repo.spec.branches ?? []).includes(revision);
  }

  private revision(req: IncomingMessage, res: ServerResponse, repoId: string, revision: string): void {
    const repo = this.authorizedRepo(req, res, repoId);
    if (!repo) return;
    if (!this.resolvesTo(repo, revision)) return this.error(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    const siblings = [...repo.files.keys()].map((rfilename) => ({ rfilename }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: repoId, sha: repo.commit, siblings }));
  }

  private announcedHash(name: string, real: string): string {
    return this.wrongHashFor === name
      ? createHash(real.length === 64 ? 'sha256' : 'sha1')
          .update('other bytes')
          .digest('hex')
      : real;
  }

  private resolve(req: IncomingMessage, res: ServerResponse, repoId: string, revision: string, name: string): void {
    const repo = this.authorizedRepo(req, res, repoId);
    if (!repo) return;
    if (!this.resolvesTo(repo, revision)) return this.error(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    const file = repo.files.get(name);
    if (!file) return this.error(res, 404, 'EntryNotFound', `${name} does not exist`);
    if (file.lfs) {
      const etag = `"${this.announcedHash(name, file.sha256)}"`;
      res
        .writeHead(302, {
          location: `${this.cdnUrl}/cdn/${file.sha256}`,
          'x-linked-etag': etag,
          'x-linked-size': String(file.bytes.length),
          'x-repo-commit': repo.commit,
          etag,
        })
        .end();
      return;
    }
    this.sendBytes(req, res, name, file.bytes, { etag: `"${this.announcedHash(name, file.gitSha1)}"`, 'x-repo-commit': repo.commit });
  }

  private sendBytes(req: IncomingMessage, res: ServerResponse, name: string, bytes: Buffer, headers: Record<string, string>): void {
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && !this.ignoreRange) {
      start = Number(range[1]);
      if (start >= bytes.length) {
        res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
        return;
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    }
    const body = bytes.subarray(start);
    res.writeHead(status, { ...headers, 'content-length': String(body.length), 'accept-ranges': 'bytes' });
    if (req.method === 'HEAD') return void res.end();

    if (this.cut && this.cut.file === name && this.cut.times > 0) {
      this.cut.times--;
      // Cut once the client has written the bytes: a fetch body stream that errors drops what it still queues.
      res.write(body.subarray(0, this.cut.afterBytes));
      void this.holds(name, start + this.cut.afterBytes).then(() => res.socket?.destroy());
      return;
    }
    if (this.stall && this.stall.file === name) {
      res.write(body.subarray(0, this.stall.afterBytes));
      return; // held open until close()
    }
    res.end(body);
  }
}

/** A valid safetensors file (8-byte little-endian header length, JSON header, raw little-endian data). */
export function safetensorsBytes(tensors: Record<string, { shape: number[]; data: Float32Array }>): Buffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, { shape, data }] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  const datas = Object.values(tensors).map(({ data }) => Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return Buffer.concat([prefix, Buffer.from(json), ...datas]);
}

/** Deterministic pseudo-random floats (a fixed LCG), so that every run serves the same bytes. */
export function deterministicFloats(count: number, seed = 1): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * 0.04;
  }
  return out;
}

/** A tiny BERT model folder as a hub repository holds it, with files a download must leave out. */
export function tinyBertRepoFiles(): Record<string, Buffer | string> {
  const hidden = 32;
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat', '##s'];
  const config = {
    architectures: ['BertModel'],
    model_type: 'bert',
    vocab_size: vocab.length,
    hidden_size: hidden,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    intermediate_size: 64,
    hidden_act: 'gelu',
    max_position_embeddings: 64,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
  };
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {
    'embeddings.word_embeddings.weight': { shape: [vocab.length, hidden], data: deterministicFloats(vocab.length * hidden, 1) },
    'embeddings.position_embeddings.weight': { shape: [64, hidden], data: deterministicFloats(64 * hidden, 2) },
    // Large enough that a download spans many chunks, so cuts and stalls land mid-file.
    'encoder.layer.0.intermediate.dense.weight': { shape: [1024, hidden], data: deterministicFloats(1024 * hidden, 3) },
  };
  return {
    'config.json': JSON.stringify(config, null, 2),
    'vocab.txt': `${vocab.join('\n')}\n`,
    'tokenizer_config.json': JSON.stringify({ do_lower_case: true, tokenizer_class: 'BertTokenizer' }),
    'special_tokens_map.json': JSON.stringify({ cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]' }),
    'model.safetensors': safetensorsBytes(tensors),
    'pytorch_model.bin': Buffer.from('a pickle that must never be downloaded'),
    'README.md': '# tiny-bert\n',
    'onnx/model.onnx': Buffer.from('not needed'),
  };
}
