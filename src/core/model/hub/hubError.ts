// One-line, user-facing errors of the Hugging Face hub download; `kind` lets callers choose an exit code.

export type HubErrorKind =
  | 'bad-argument' // a malformed repo id or revision
  | 'auth' // 401/403: gated or private
  | 'not-found' // 404: repository, revision or file
  | 'unsupported' // the repository has no weights we can load (e.g. only sharded pytorch_model-*.bin)
  | 'network' // the endpoint is unreachable or the connection broke
  | 'checksum' // the bytes differ from the hash the hub announced
  | 'io' // the cache folder cannot be written
  | 'protocol'; // the server answered something the hub never answers

export class HubError extends Error {
  constructor(
    readonly kind: HubErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

/** What an aborted download rejects with: the signal's reason (a DOMException named AbortError by default). */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The download was aborted', 'AbortError');
}
