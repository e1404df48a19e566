// pasta gpu install cuda: onnxruntime's CUDA provider of the bundled version, then whether CUDA 13 and cuDNN 9
// can be loaded here.
import { resolve } from 'node:path';
import { checkCudaLibraries, describeCudaLibraries } from '../../core/engine/cuda/cudaLibraries.js';
import { bundledOnnxruntimeVersion, installCudaProvider, type CudaInstallProgress } from '../../core/engine/cuda/cudaInstall.js';
import { CudaInstallError } from '../../core/engine/cuda/installError.js';
import { booleanFlag, stringFlag, type CliIo, type ParsedArgs } from '../command.js';

const MB = 1024 * 1024;

/** Progress on stderr: a line per tenth of the download (a terminal gets one line rewritten). */
function progressPrinter(io: CliIo, tty: boolean): (progress: CudaInstallProgress) => void {
  let lastTenth = -1;
  return ({ phase, done = 0, total }) => {
    if (phase === 'resolve') io.stderr.write('Looking up the CUDA provider package...\n');
    else if (phase === 'download' && total) {
      const tenth = Math.floor((done / total) * 10);
      const line = `Downloading: ${Math.floor((done / total) * 100)}% (${(done / MB).toFixed(1)} of ${(total / MB).toFixed(1)} MB)`;
      if (tty) io.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
      else if (tenth !== lastTenth) io.stderr.write(`${line}\n`);
      lastTenth = tenth;
    } else if (phase === 'verify') io.stderr.write('Checking the SHA-512 of the package...\n');
    else if (phase === 'extract') io.stderr.write('Placing the provider libraries...\n');
  };
}

export async function installCuda(args: ParsedArgs, io: CliIo): Promise<number> {
  const target = stringFlag(args, 'target');
  const json = booleanFlag(args, 'json');
  let result;
  try {
    result = await installCudaProvider({
      feedUrl: stringFlag(args, 'feed') ?? io.env.PASTA_NUGET_INDEX ?? undefined,
      targetDir: target === undefined ? undefined : resolve(io.cwd, target),
      onProgress: json ? undefined : progressPrinter(io, (io.stderr as { isTTY?: boolean }).isTTY === true),
    });
  } catch (error) {
    if (!(error instanceof CudaInstallError)) throw error;
    io.stderr.write(`error: pasta gpu install cuda: ${error.message}\n`);
    return 1;
  }
  const libraries = await checkCudaLibraries({ env: io.env });
  const librariesLine = describeCudaLibraries(libraries);
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ ...result, onnxruntime: bundledOnnxruntimeVersion(), cudaLibraries: libraries, cudaLibrariesSummary: librariesLine }, null, 2)}\n`,
    );
    return 0;
  }
  const verified =
    result.verifiedBy === 'pinned'
      ? 'the hash pinned in PASTA Studio'
      : 'the hash the NuGet catalog publishes (this version is not pinned in PASTA Studio yet)';
  io.stdout.write(`Installed the CUDA provider of onnxruntime ${result.version} from ${result.packageId}, SHA-512 checked against ${verified}:\n`);
  for (const file of result.files) io.stdout.write(`  ${file}\n`);
  if (libraries.missing.length === 0) io.stdout.write(`${librariesLine}: --device cuda (and auto) can use the GPU.\n`);
  else io.stdout.write(`The provider will not load until this is fixed: ${librariesLine}\n`);
  return 0;
}
