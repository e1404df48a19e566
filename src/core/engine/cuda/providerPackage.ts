// Which NuGet package carries onnxruntime's CUDA provider for this platform, which of its files we install, and
// the hash each package version must have. onnxruntime-node's own installer (script/install-metadata.js) takes
// the same files from the same packages; the provider bridge is no stable ABI, so the version must be the one
// of the bundled libonnxruntime exactly.

export interface CudaProviderPackage {
  /** The NuGet package id, e.g. Microsoft.ML.OnnxRuntime.Gpu.Linux. */
  id: string;
  version: string;
  /** Paths inside the package (a zip) of the files to place next to onnxruntime's own library. */
  files: string[];
}

/**
 * SHA-512 (base64, as NuGet's catalog publishes it in `packageHash`) of each package version, keyed
 * `{id}@{version}`. An empty value means "not pinned yet": the installer then checks the package against the
 * hash nuget.org's catalog publishes and says so. To pin a version, on a machine that reaches nuget.org:
 *   curl -s https://api.nuget.org/v3/registration5-semver1/<id lowercase>/<version>.json | jq -r .catalogEntry
 *   curl -s <that url> | jq -r .packageHash
 */
export const PINNED_PACKAGE_SHA512: Readonly<Record<string, string>> = {
  // The build machine of this table could not reach nuget.org: fill these on one that can.
  'Microsoft.ML.OnnxRuntime.Gpu.Linux@1.30.0': '',
  'Microsoft.ML.OnnxRuntime.Gpu.Windows@1.30.0': '',
};

export const pinKey = (pkg: Pick<CudaProviderPackage, 'id' | 'version'>) => `${pkg.id}@${pkg.version}`;

/** The package for this platform and onnxruntime version, or why there is none. */
export function cudaProviderPackage(
  version: string,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): CudaProviderPackage | { unsupported: string } {
  if (arch !== 'x64') return { unsupported: `onnxruntime publishes its CUDA provider for x64 only (this machine is ${platform}-${arch})` };
  if (platform === 'linux') {
    const native = 'runtimes/linux-x64/native';
    return {
      id: 'Microsoft.ML.OnnxRuntime.Gpu.Linux',
      version,
      files: [`${native}/libonnxruntime_providers_shared.so`, `${native}/libonnxruntime_providers_cuda.so`],
    };
  }
  if (platform === 'win32') {
    const native = 'runtimes/win-x64/native';
    return {
      id: 'Microsoft.ML.OnnxRuntime.Gpu.Windows',
      version,
      files: [`${native}/onnxruntime_providers_shared.dll`, `${native}/onnxruntime_providers_cuda.dll`],
    };
  }
  return { unsupported: `CUDA is not available on ${platform}` };
}
