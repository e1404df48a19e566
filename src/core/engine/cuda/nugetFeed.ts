// The three NuGet v3 resources the CUDA install needs: the service index, the flat container the package
// bytes come from (PackageBaseAddress, as onnxruntime-node's installer uses), and the catalog leaf with the
// package's published SHA-512 (reached through the registration's catalogEntry).
import { CudaInstallError, describeNetworkError } from './installError.js';

export const NUGET_INDEX_URL = 'https://api.nuget.org/v3/index.json';

export interface NugetFeed {
  indexUrl: string;
  packageBaseAddress: string;
  registrationsBaseUrl?: string;
}

export interface FeedRequest {
  signal?: AbortSignal;
}

const USER_AGENT = `pasta-studio; node/${process.versions.node}`;

export async function feedFetch(url: string, request: FeedRequest, headers: Record<string, string> = {}): Promise<Response> {
  try {
    return await fetch(url, { headers: { 'user-agent': USER_AGENT, ...headers }, signal: request.signal });
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    throw new CudaInstallError('network', `cannot reach ${new URL(url).origin}: ${describeNetworkError(error)} (is this machine offline?)`);
  }
}

async function getJson(url: string, request: FeedRequest, what: string): Promise<Record<string, unknown>> {
  const response = await feedFetch(url, request, { accept: 'application/json' });
  if (response.status === 404) {
    await response.body?.cancel();
    throw new CudaInstallError('not-found', `${what} not found: ${url} (HTTP 404)`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new CudaInstallError(response.status >= 500 ? 'network' : 'protocol', `${url} answered HTTP ${response.status} for ${what}`);
  }
  try {
    const json = (await response.json()) as unknown;
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
    return json as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TypeError) throw new CudaInstallError('network', `reading ${url}: ${describeNetworkError(error)}`);
    throw new CudaInstallError('protocol', `${url} is not ${what} (${(error as Error).message})`);
  }
}

function resource(index: Record<string, unknown>, type: string): string | undefined {
  const resources = Array.isArray(index.resources) ? (index.resources as Record<string, unknown>[]) : [];
  const id = resources.find((r) => r?.['@type'] === type)?.['@id'];
  return typeof id !== 'string' ? undefined : id.endsWith('/') ? id : `${id}/`;
}

export async function openFeed(indexUrl: string, request: FeedRequest): Promise<NugetFeed> {
  const index = await getJson(indexUrl, request, 'the NuGet service index');
  const packageBaseAddress = resource(index, 'PackageBaseAddress/3.0.0');
  if (!packageBaseAddress) throw new CudaInstallError('protocol', `${indexUrl} names no PackageBaseAddress/3.0.0 resource`);
  const registrationsBaseUrl = resource(index, 'RegistrationsBaseUrl/3.6.0') ?? resource(index, 'RegistrationsBaseUrl');
  return { indexUrl, packageBaseAddress, registrationsBaseUrl };
}

/** The .nupkg URL in the flat container, after checking that the feed lists the version. */
export async function packageUrl(feed: NugetFeed, id: string, version: string, request: FeedRequest): Promise<string> {
  const lowerId = id.toLowerCase();
  const lowerVersion = version.toLowerCase();
  const versions = (await getJson(`${feed.packageBaseAddress}${lowerId}/index.json`, request, `package ${id}`)).versions;
  if (!Array.isArray(versions) || !versions.includes(lowerVersion)) {
    throw new CudaInstallError(
      'not-found',
      `${feed.indexUrl} has no ${id} ${version} (it lists ${Array.isArray(versions) ? versions.slice(-3).join(', ') || 'no version' : 'no versions'})`,
    );
  }
  return `${feed.packageBaseAddress}${lowerId}/${lowerVersion}/${lowerId}.${lowerVersion}.nupkg`;
}

/** The SHA-512 (base64) the feed's catalog publishes for the package, from registration leaf -> catalog leaf. */
export async function publishedSha512(feed: NugetFeed, id: string, version: string, request: FeedRequest): Promise<string> {
  if (!feed.registrationsBaseUrl)
    throw new CudaInstallError('protocol', `${feed.indexUrl} names no RegistrationsBaseUrl resource, so no published hash to check ${id} ${version} against`);
  const leaf = await getJson(`${feed.registrationsBaseUrl}${id.toLowerCase()}/${version.toLowerCase()}.json`, request, `the registration of ${id} ${version}`);
  const catalogUrl = typeof leaf.catalogEntry === 'string' ? leaf.catalogEntry : (leaf.catalogEntry as Record<string, unknown> | undefined)?.['@id'];
  if (typeof catalogUrl !== 'string') throw new CudaInstallError('protocol', `the registration of ${id} ${version} has no catalogEntry`);
  const entry = await getJson(catalogUrl, request, `the catalog entry of ${id} ${version}`);
  if (String(entry.packageHashAlgorithm).toUpperCase() !== 'SHA512' || typeof entry.packageHash !== 'string') {
    throw new CudaInstallError('protocol', `the catalog entry of ${id} ${version} publishes no SHA512 packageHash`);
  }
  return entry.packageHash;
}
