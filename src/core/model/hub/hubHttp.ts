// HTTP with the hub's conventions: bearer token on the hub's own origin only, one-line errors that use the
// hub's X-Error-Code header, and file metadata read from the resolve endpoint before any redirect to the CDN.
import { abortReason, HubError } from './hubError.js';

export interface HubRequestContext {
  endpoint: string;
  repoId: string;
  revision: string;
  token?: string;
  signal?: AbortSignal;
}

const USER_AGENT = `pasta-studio; node/${process.versions.node}`;

export function hubHeaders(ctx: HubRequestContext, url: string, extra: Record<string, string> = {}): Record<string, string> {
  // identity: sizes, Range offsets and hashes all refer to the stored bytes, never to a compressed transfer.
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, 'accept-encoding': 'identity', ...extra };
  // A CDN on another origin must never see the token.
  if (ctx.token && new URL(url).origin === new URL(ctx.endpoint).origin) headers.authorization = `Bearer ${ctx.token}`;
  return headers;
}

export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

const OFFLINE_ADVICE = 'check the network connection, or set HF_ENDPOINT to a hub mirror you can reach';
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_|ERR_SSL_|EPROTO/;

/** Why a connection failed, in words, and what to do about it. */
export function connectionFailure(error: unknown): { reason: string; advice: string } {
  const code = describeNetworkError(error);
  if (/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/.test(code))
    return { reason: `its host name does not resolve (${code}): offline, or a wrong HF_ENDPOINT`, advice: OFFLINE_ADVICE };
  if (code === 'ECONNREFUSED') return { reason: 'the connection was refused (ECONNREFUSED)', advice: OFFLINE_ADVICE };
  if (/^(ENETUNREACH|EHOSTUNREACH|ENETDOWN|EHOSTDOWN)$/.test(code)) return { reason: `the network is unreachable (${code}): offline`, advice: OFFLINE_ADVICE };
  if (/TIMEOUT|ETIMEDOUT/.test(code)) return { reason: `the connection timed out (${code})`, advice: OFFLINE_ADVICE };
  if (TLS_CODE.test(code)) {
    return {
      reason: `its TLS certificate is not trusted (${code})`,
      advice: 'behind a proxy that re-signs TLS, point NODE_EXTRA_CA_CERTS at its CA certificate; or set HF_ENDPOINT to a hub mirror you trust',
    };
  }
  return { reason: `the connection failed (${code})`, advice: OFFLINE_ADVICE };
}

/** fetch() that turns a failed connection into a one-line HubError and an abort into the signal's reason. */
export async function hubFetch(ctx: HubRequestContext, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: ctx.signal });
  } catch (error) {
    if (ctx.signal?.aborted) throw abortReason(ctx.signal);
    const { reason, advice } = connectionFailure(error);
    throw new HubError('network', `cannot reach ${new URL(url).origin}: ${reason}; ${advice}`);
  }
}

/** Throws the one-line error for a response that is not a success; `file` names the file being fetched, if any. */
export async function failForStatus(ctx: HubRequestContext, response: Response, file?: string): Promise<never> {
  await response.body?.cancel().catch(() => undefined);
  const code = response.headers.get('x-error-code') ?? '';
  const repo = `${ctx.repoId}`;
  const status = response.status;
  if (code === 'RepoNotFound') {
    const privateHint = ctx.token ? 'check the id, and that HF_TOKEN has access to it' : 'check the id, or set HF_TOKEN if it is private';
    throw new HubError('not-found', `repository ${repo} not found on ${ctx.endpoint} (HTTP ${status}): ${privateHint}`);
  }
  if (code === 'RevisionNotFound') {
    throw new HubError('not-found', `revision "${ctx.revision}" not found in ${repo} (HTTP ${status})`);
  }
  if (code === 'EntryNotFound' || (status === 404 && file !== undefined)) {
    throw new HubError('not-found', `${repo}@${ctx.revision} has no file ${file ?? ''} (HTTP ${status})`);
  }
  if (status === 401 || status === 403) {
    const what = code === 'GatedRepo' ? 'is gated: accept its conditions on the hub, then' : 'is gated or private:';
    const fix = ctx.token ? 'check that HF_TOKEN grants access to it' : 'set HF_TOKEN to a token with access';
    throw new HubError('auth', `access to ${repo} denied (HTTP ${status}): it ${what} ${fix}`);
  }
  if (status === 404) {
    const privateHint = ctx.token ? 'check the id, and that HF_TOKEN has access to it' : 'check the id, or set HF_TOKEN if it is private';
    throw new HubError('not-found', `repository ${repo} or revision "${ctx.revision}" not found on ${ctx.endpoint} (HTTP 404): ${privateHint}`);
  }
  const where = file ? `${repo}/${file}` : repo;
  throw new HubError(status >= 500 ? 'network' : 'protocol', `${ctx.endpoint} answered HTTP ${status} for ${where}`);
}

export interface FileMetadata {
  /** The hub's hash of the file: sha256 (64 hex) for LFS files, the git blob sha1 (40 hex) for the others. */
  etag: string;
  size: number;
  /** Where the bytes are: the CDN location for LFS files, the resolve URL itself for the others. */
  downloadUrl: string;
}

const MAX_REDIRECTS = 10;

export function normalizeEtag(raw: string): string {
  return raw.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/**
 * HEAD on `resolve/{commit}/{file}` without following redirects blindly: the hub puts the LFS file's sha256
 * and size on the redirect (X-Linked-Etag, X-Linked-Size), and the CDN's own headers say nothing about them.
 */
export async function fileMetadata(ctx: HubRequestContext, commit: string, file: string): Promise<FileMetadata> {
  let url = `${ctx.endpoint}/${ctx.repoId}/resolve/${commit}/${file.split('/').map(encodeURIComponent).join('/')}`;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await hubFetch(ctx, url, { method: 'HEAD', redirect: 'manual', headers: hubHeaders(ctx, url) });
    if (response.status >= 400) await failForStatus(ctx, response, file);
    const linkedEtag = response.headers.get('x-linked-etag');
    const isRedirect = response.status >= 300 && response.status < 400;
    const location = response.headers.get('location');
    if (isRedirect && !location) throw new HubError('protocol', `${ctx.endpoint} redirected ${file} without a Location`);
    if (isRedirect && !linkedEtag) {
      url = new URL(location!, url).href; // e.g. a renamed repository
      continue;
    }
    const etag = linkedEtag ?? response.headers.get('etag');
    const size = Number(response.headers.get('x-linked-size') ?? response.headers.get('content-length'));
    if (!etag) throw new HubError('protocol', `${ctx.endpoint} sent no ETag for ${ctx.repoId}/${file}`);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new HubError('protocol', `${ctx.endpoint} sent no size for ${ctx.repoId}/${file}`);
    }
    return { etag: normalizeEtag(etag), size, downloadUrl: isRedirect ? new URL(location!, url).href : url };
  }
  throw new HubError('protocol', `${ctx.endpoint}: more than ${MAX_REDIRECTS} redirects for ${ctx.repoId}/${file}`);
}
