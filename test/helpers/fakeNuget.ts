// A loopback HTTP server (127.0.0.1, port 0) with the NuGet v3 URL layout the CUDA install reads:
//   GET /v3/index.json                                  the service index (PackageBaseAddress, RegistrationsBaseUrl)
//   GET /flat/{id}/index.json                           {versions: [...]}
//   GET /flat/{id}/{version}/{id}.{version}.nupkg       the package bytes, with Range support
//   GET /registration/{id}/{version}.json               {catalogEntry: url}
//   GET /catalog/{id}.{version}.json                    {packageHash (SHA-512, base64), packageHashAlgorithm}
// plus switches that misbehave the way real networks and servers do. Also builds a .nupkg with a real zip layout.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as yazl from 'yazl';
import { SeededRandom } from '../../src/core/util/random.js';

export interface FakeNugetRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export class FakeNuget {
  readonly requests: FakeNugetRequest[] = [];
  /** Cut the connection after this many body bytes on the next `times` GETs of a .nupkg. */
  cut?: { afterBytes: number; times: number };
  /** Publish this hash in the catalog instead of the package's. */
  publishedHash?: string;
  /** Leave the .nupkg itself out (the flat container still lists the version). */
  withholdPackage = false;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly packages: Map<string, Map<string, Buffer>>,
  ) {}

  static async start(packages: { id: string; version: string; bytes: Buffer }[]): Promise<FakeNuget> {
    const byId = new Map<string, Map<string, Buffer>>();
    for (const p of packages) {
      const versions = byId.get(p.id.toLowerCase()) ?? new Map<string, Buffer>();
      versions.set(p.version.toLowerCase(), p.bytes);
      byId.set(p.id.toLowerCase(), versions);
    }
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const nuget = new FakeNuget(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, byId);
    server.on('request', (req, res) => {
      nuget.requests.push({ path: req.url ?? '', headers: req.headers });
      const reply = nuget.route(req.url ?? '', req.headers);
      if (reply.json !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
      } else if (reply.bytes) {
        nuget.sendBytes(reply.bytes, req.headers.range, res);
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      }
    });
    return nuget;
  }

  get indexUrl(): string {
    return `${this.url}/v3/index.json`;
  }

  nupkgRequests(): FakeNugetRequest[] {
    return this.requests.filter((r) => r.path.endsWith('.nupkg'));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private route(path: string, _headers: IncomingHttpHeaders): { json?: unknown; bytes?: Buffer } {
    if (path === '/v3/index.json') {
      return {
        json: {
          version: '3.0.0',
          resources: [
            { '@id': `${this.url}/flat/`, '@type': 'PackageBaseAddress/3.0.0' },
            { '@id': `${this.url}/registration/`, '@type': 'RegistrationsBaseUrl/3.6.0' },
          ],
        },
      };
    }
    let match = /^\/flat\/([^/]+)\/index\.json$/.exec(path);
    if (match) {
      const versions = this.packages.get(match[1]);
      return versions ? { json: { versions: [...versions.keys()] } } : {};
    }
    match = /^\/flat\/([^/]+)\/([^/]+)\/([^/]+)\.nupkg$/.exec(path);
    if (match && match[3] === `${match[1]}.${match[2]}` && !this.withholdPackage) return { bytes: this.packages.get(match[1])?.get(match[2]) };
    match = /^\/registration\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (match && this.packages.get(match[1])?.has(match[2])) return { json: { '@id': path, catalogEntry: `${this.url}/catalog/${match[1]}.${match[2]}.json` } };
    match = /^\/catalog\/(.+)\.json$/.exec(path);
    for (const [id, versions] of this.packages) {
      for (const [version, bytes] of versions) {
        if (match?.[1] === `${id}.${version}`) {
          const packageHash = this.publishedHash ?? createHash('sha512').update(bytes).digest('base64');
          return { json: { id, version, packageHash, packageHashAlgorithm: 'SHA512', packageSize: bytes.length } };
        }
      }
    }
    return {};
  }

  private sendBytes(bytes: Buffer, range: string | undefined, res: import('node:http').ServerResponse): void {
    const start = Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? 0);
    if (start >= bytes.length && start > 0) {
      res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
      return;
    }
    const body = bytes.subarray(start);
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(body.length) };
    if (range) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` });
    else res.writeHead(200, headers);
    if (this.cut && this.cut.times > 0) {
      this.cut.times--;
      res.write(body.subarray(0, this.cut.afterBytes), () => res.destroy());
      return;
    }
    res.end(body);
  }
}

/** A .nupkg (a zip) with onnxruntime's layout: stand-in provider libraries of `size` seeded random bytes each. */
export async function buildProviderNupkg(entries: string[], size = 200_000, seed = 8): Promise<{ bytes: Buffer; files: Map<string, Buffer> }> {
  const random = new SeededRandom(seed);
  const zip = new yazl.ZipFile();
  const files = new Map<string, Buffer>();
  zip.addBuffer(Buffer.from('<?xml version="1.0"?><package/>'), 'Microsoft.ML.OnnxRuntime.Gpu.Linux.nuspec');
  for (const [i, entry] of entries.entries()) {
    const content = Buffer.from(random.uniforms(size).map((u) => Math.floor(u * 256)));
    files.set(entry, content);
    zip.addBuffer(content, entry, { compress: i % 2 === 0 });
  }
  zip.addBuffer(Buffer.from('not a provider'), 'runtimes/linux-x64/native/libonnxruntime.so');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return { bytes: Buffer.concat(chunks), files };
}
