// One-line, user-facing errors of the CUDA provider install; `kind` lets callers choose an exit code or a hint.

export type CudaInstallErrorKind =
  | 'unsupported' // no CUDA provider for this platform
  | 'network' // the feed is unreachable or the connection broke
  | 'not-found' // the feed has no such package or version (404)
  | 'checksum' // the package's bytes differ from the pinned or published hash
  | 'io' // the target folder cannot be written
  | 'protocol'; // the feed answered something NuGet never answers

export class CudaInstallError extends Error {
  constructor(
    readonly kind: CudaInstallErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'CudaInstallError';
  }
}

export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
