// gpu-check's first row: what this machine offers (providers, the WebGPU adapter, auto's pick) and whether the
// CUDA 13 / cuDNN 9 libraries can be loaded, as one JSON line.
import { checkCudaLibraries, describeCudaLibraries } from '../../src/core/engine/cuda/cudaLibraries';
import { deviceReport } from '../../src/core/engine/deviceReport';

async function main() {
  const report = await deviceReport();
  const cuda = await checkCudaLibraries();
  console.log(
    JSON.stringify({
      bench: 'gpu-check-environment',
      node: process.version,
      ...report,
      cuda_libraries: describeCudaLibraries(cuda),
      cuda_libraries_missing: cuda.missing.map((l) => l.file),
    }),
  );
}
main().catch((err) => {
  console.error(err);
  process.exit(2);
});
