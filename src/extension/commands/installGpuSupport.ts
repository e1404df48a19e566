// "PASTA: Install GPU Support": onnxruntime's CUDA provider, as `pasta gpu install cuda` installs it, into the
// onnxruntime-node folder this extension ships; then whether CUDA 13 and cuDNN 9 can be loaded.
import * as vscode from 'vscode';
import { checkCudaLibraries, describeCudaLibraries } from '../../core/engine/cuda/cudaLibraries.js';
import { installCudaProvider, type CudaInstallResult } from '../../core/engine/cuda/cudaInstall.js';
import type { PastaCommand } from './context.js';

/** The command's optional argument (tests and mirrors): another NuGet feed and another target folder. */
interface InstallArgs {
  feedUrl?: string;
  targetDir?: string;
}

function parseArgs(arg: unknown): InstallArgs {
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  return { feedUrl: typeof a.feedUrl === 'string' ? a.feedUrl : undefined, targetDir: typeof a.targetDir === 'string' ? a.targetDir : undefined };
}

const MB = 1024 * 1024;

export const installGpuSupport: PastaCommand = {
  id: 'pasta.installGpuSupport',
  async run(ctx, arg?: unknown): Promise<CudaInstallResult | undefined> {
    if (process.platform !== 'linux' && process.platform !== 'win32') {
      void vscode.window.showInformationMessage(
        `PASTA: nothing to install on ${process.platform}: training uses the GPU through WebGPU, which ships with the extension.`,
      );
      return undefined;
    }
    const args = parseArgs(arg);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'PASTA: installing CUDA support', cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort(new vscode.CancellationError()));
        let reported = 0;
        return installCudaProvider({
          feedUrl: args.feedUrl ?? (process.env.PASTA_NUGET_INDEX || undefined),
          targetDir: args.targetDir,
          signal: abort.signal,
          onProgress: ({ phase, done = 0, total }) => {
            if (phase !== 'download' || !total) {
              progress.report({
                message: { resolve: 'looking up the package', download: 'downloading', verify: 'checking its SHA-512', extract: 'placing the libraries' }[
                  phase
                ],
              });
              return;
            }
            const percent = (done / total) * 100;
            progress.report({ increment: percent - reported, message: `downloading ${(done / MB).toFixed(0)} of ${(total / MB).toFixed(0)} MB` });
            reported = percent;
          },
        });
      },
    );
    ctx.log.info(`CUDA provider ${result.packageId} ${result.version} installed (${result.verifiedBy} SHA-512 ${result.sha512}): ${result.files.join(', ')}`);
    const report = await checkCudaLibraries();
    const libraries = describeCudaLibraries(report);
    ctx.log.info(`CUDA libraries: ${libraries}`);
    if (report.missing.length === 0) {
      void vscode.window.showInformationMessage(
        `PASTA: CUDA support installed (onnxruntime ${result.version}); training with device "auto" or "cuda" now uses the GPU.`,
      );
    } else {
      void vscode.window.showWarningMessage(`PASTA: CUDA support installed, but the provider will not load until this is fixed: ${libraries}`);
    }
    return result;
  },
};
