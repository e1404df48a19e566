// Whether the libraries onnxruntime's CUDA provider links against (CUDA 13, cuDNN 9, the driver) can be found
// by the dynamic loader of this process, and where they are when they exist but the loader will not see them.
//
// CUDA 13, not 12: from onnxruntime 1.27 on, the GPU packages on nuget.org and PyPI are built with CUDA 13 and the
// CUDA 12 builds moved to a deprecated feed of their own (microsoft/onnxruntime#29032, #29767); the provider in
// Microsoft.ML.OnnxRuntime.Gpu.Linux 1.30.0 was read to need libcudart.so.13, libcublas.so.13, libcublasLt.so.13
// and libcurand.so.10. onnxruntime-node's installer still names its manifest "cuda12". Not measured here (nuget.org
// is unreachable from this project's machines): check the package's NEEDED entries on the first machine that has it.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface CudaLibrary {
  /** The file the loader asks for, e.g. libcudnn.so.9. */
  file: string;
  /** What it belongs to, for the message: "cuDNN 9". */
  component: string;
}

/** The provider's direct dependencies (as onnxruntime's own preload_dlls lists them) and the driver's library. */
export const CUDA_LIBRARIES: Readonly<Partial<Record<NodeJS.Platform, readonly CudaLibrary[]>>> = {
  linux: [
    { file: 'libcuda.so.1', component: 'the NVIDIA driver' },
    { file: 'libcudart.so.13', component: 'CUDA 13 runtime' },
    { file: 'libcublas.so.13', component: 'CUDA 13 cuBLAS' },
    { file: 'libcublasLt.so.13', component: 'CUDA 13 cuBLASLt' },
    { file: 'libcurand.so.10', component: 'CUDA 13 cuRAND' },
    { file: 'libcufft.so.12', component: 'CUDA 13 cuFFT' },
    { file: 'libcudnn.so.9', component: 'cuDNN 9' },
  ],
  win32: [
    { file: 'nvcuda.dll', component: 'the NVIDIA driver' },
    { file: 'cudart64_13.dll', component: 'CUDA 13 runtime' },
    { file: 'cublas64_13.dll', component: 'CUDA 13 cuBLAS' },
    { file: 'cublasLt64_13.dll', component: 'CUDA 13 cuBLASLt' },
    { file: 'curand64_10.dll', component: 'CUDA 13 cuRAND' },
    { file: 'cufft64_12.dll', component: 'CUDA 13 cuFFT' },
    { file: 'cudnn64_9.dll', component: 'cuDNN 9' },
  ],
};

/**
 * How a library was found. The loader searches LD_LIBRARY_PATH (as it was when the process started), then the
 * ldconfig cache, then /lib and /usr/lib; on Windows the DLL folder and PATH. A CUDA toolkit folder or pip's
 * nvidia-* wheels (site-packages/nvidia/<name>/lib, which PyTorch loads by its own RPATH) are NOT searched: a
 * library found only there is reported with the folder to add to LD_LIBRARY_PATH.
 */
export type FoundVia = 'LD_LIBRARY_PATH' | 'ldconfig' | 'system' | 'PATH' | 'not-on-loader-path';

export interface LibraryCheck extends CudaLibrary {
  path?: string;
  via?: FoundVia;
}

export interface CudaLibrarySearch {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** `ldconfig -p`'s output; read from the machine when not given. */
  ldconfigCache?: string;
  /** The loader's built-in folders; /lib, /usr/lib (and their 64 twins) or System32 when not given. */
  systemFolders?: string[];
  /** Folders the loader does not search but that often hold CUDA: toolkit and pip wheel folders. */
  extraFolders?: string[];
}

export interface CudaLibraryReport {
  libraries: LibraryCheck[];
  /** The libraries the loader cannot find (some may exist in a folder it does not search). */
  missing: LibraryCheck[];
  /** Folders that, added to LD_LIBRARY_PATH (PATH on Windows), would make the missing ones loadable. */
  folderHints: string[];
}

export function readLdconfigCache(): Promise<string> {
  return new Promise((resolve) => {
    execFile('ldconfig', ['-p'], { timeout: 10_000, env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/sbin:/usr/sbin` } }, (error, stdout) =>
      resolve(error ? '' : stdout),
    );
  });
}

/** The CUDA toolkit folders and the lib folders of pip's nvidia-* wheels in the usual Python prefixes. */
export function usualCudaFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const folders = ['/usr/local/cuda/lib64', '/usr/local/cuda/targets/x86_64-linux/lib'];
  for (const root of ['/usr/local', '/opt']) {
    for (const name of safeList(root)) if (/^cuda-13/.test(name)) folders.push(join(root, name, 'lib64'));
  }
  if (env.CUDA_PATH) folders.push(join(env.CUDA_PATH, 'lib64'), join(env.CUDA_PATH, 'bin'));
  const prefixes = [env.VIRTUAL_ENV, env.CONDA_PREFIX, '/usr/local', '/usr', '/opt/conda', env.HOME && join(env.HOME, '.local')].filter(
    (p): p is string => !!p,
  );
  for (const prefix of prefixes) {
    for (const python of safeList(join(prefix, 'lib')).filter((n) => /^python3/.test(n))) {
      for (const packages of ['site-packages', 'dist-packages']) {
        const nvidia = join(prefix, 'lib', python, packages, 'nvidia');
        for (const name of safeList(nvidia)) folders.push(join(nvidia, name, 'lib'));
      }
    }
  }
  return folders;
}

function safeList(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

function fromLdconfig(cache: string, file: string): string | undefined {
  // Lines look like "\tlibcudnn.so.9 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.9"
  for (const line of cache.split('\n')) {
    const match = /^\s*(\S+) \((.*)\) => (.+)$/.exec(line);
    if (match && match[1] === file && !/i386|x32/.test(match[2])) return match[3].trim();
  }
  return undefined;
}

export async function checkCudaLibraries(search: CudaLibrarySearch = {}): Promise<CudaLibraryReport> {
  const platform = search.platform ?? process.platform;
  const env = search.env ?? process.env;
  const wanted = CUDA_LIBRARIES[platform] ?? [];
  const windows = platform === 'win32';
  const pathFolders = (windows ? (env.PATH ?? env.Path) : env.LD_LIBRARY_PATH)?.split(windows ? ';' : delimiter).filter(Boolean) ?? [];
  const cache = windows ? '' : (search.ldconfigCache ?? (await readLdconfigCache()));
  const systemFolders = search.systemFolders ?? (windows ? [join(env.SystemRoot ?? 'C:\\Windows', 'System32')] : ['/lib', '/usr/lib', '/lib64', '/usr/lib64']);
  const extra = search.extraFolders ?? usualCudaFolders(env);
  const inFolders = (folders: string[], file: string) => folders.map((f) => join(f, file)).find((p) => existsSync(p));

  const libraries = wanted.map((library): LibraryCheck => {
    let path = inFolders(pathFolders, library.file);
    if (path) return { ...library, path, via: windows ? 'PATH' : 'LD_LIBRARY_PATH' };
    path = fromLdconfig(cache, library.file);
    if (path) return { ...library, path, via: 'ldconfig' };
    path = inFolders(systemFolders, library.file);
    if (path) return { ...library, path, via: 'system' };
    path = inFolders(extra, library.file);
    return path ? { ...library, path, via: 'not-on-loader-path' } : { ...library };
  });
  const missing = libraries.filter((l) => l.via === undefined || l.via === 'not-on-loader-path');
  const folderHints = [...new Set(missing.filter((l) => l.path).map((l) => l.path!.slice(0, l.path!.length - l.file.length - 1)))];
  return { libraries, missing, folderHints };
}

/** One line for the user: all found, or which are missing and what to do. */
export function describeCudaLibraries(report: CudaLibraryReport, platform: NodeJS.Platform = process.platform): string {
  if (report.libraries.length === 0) return `no CUDA libraries to check on ${platform}`;
  if (report.missing.length === 0) return 'CUDA 13 and cuDNN 9 libraries found';
  const variable = platform === 'win32' ? 'PATH' : 'LD_LIBRARY_PATH';
  const parts = report.missing.map((l) =>
    l.path ? `${l.file} (${l.component}) is in ${l.path} where the loader does not look` : `${l.file} (${l.component}) not found`,
  );
  const fix =
    report.folderHints.length > 0
      ? `; add ${report.folderHints.join(platform === 'win32' ? ';' : ':')} to ${variable} before starting`
      : '; install CUDA 13 and cuDNN 9 (or put their folders on ' + variable + ')';
  return `${parts.join('; ')}${fix}`;
}
