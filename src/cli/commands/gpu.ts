// `pasta gpu`: what the machine offers for training (status), and the GPU parts fetched on demand (install cuda).
import { deviceReport, formatDeviceReport } from '../../core/engine/deviceReport.js';
import { booleanFlag, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.js';
import { installCuda } from './gpuInstall.js';

const ACTIONS = ['status', 'install'] as const;
type Action = (typeof ACTIONS)[number];

export const gpuCommand: Command = {
  name: 'gpu',
  summary: 'Show the execution providers and GPU adapter here, what device auto picks; install the CUDA provider',
  description: [
    'status (the default): the execution providers onnxruntime-node has here, the GPU adapter WebGPU would use (name, vendor, hardware or software), which device "auto" picks and why, and the device the workspace\'s latest adapter was trained on.',
    "install cuda: downloads the CUDA provider libraries of the onnxruntime version PASTA Studio ships (libonnxruntime_providers_cuda.so and _shared.so on Linux, the .dll files on Windows) from the NuGet package onnxruntime-node's own installer uses (Microsoft.ML.OnnxRuntime.Gpu.Linux / .Gpu.Windows), checks its SHA-512, and places them next to onnxruntime's library. A cut download resumes when run again. Then says whether the CUDA 13 and cuDNN 9 libraries can be loaded, naming any that cannot.",
    'The feed is https://api.nuget.org/v3/index.json unless --feed or $PASTA_NUGET_INDEX names another NuGet v3 service index (a mirror).',
  ].join('\n'),
  positionals: [
    { name: 'action', description: `One of ${ACTIONS.join(', ')}`, optional: true },
    { name: 'what', description: 'For install: cuda', optional: true },
  ],
  flags: {
    json: { type: 'boolean', description: 'Print JSON instead of text (and, for install, no progress)' },
    feed: {
      type: 'string',
      valueName: '<url>',
      description: 'install: a NuGet v3 service index to download from',
      defaultText: 'https://api.nuget.org/v3/index.json',
    },
    target: {
      type: 'string',
      valueName: '<dir>',
      description: "install: where to place the libraries; the folder of onnxruntime-node's libonnxruntime by default",
    },
  },
  async run(args, io) {
    const [actionText = 'status', extra] = args.positionals;
    if (!(ACTIONS as readonly string[]).includes(actionText))
      throw new UsageError(`unknown action ${JSON.stringify(actionText)}; expected ${ACTIONS.join(', ')}`, 'gpu');
    const action = actionText as Action;
    if (action === 'status') {
      if (extra !== undefined) throw new UsageError(`status takes no further argument (found ${JSON.stringify(extra)})`, 'gpu');
      return status(args, io);
    }
    if (extra !== 'cuda')
      throw new UsageError(extra === undefined ? 'install what? expected: cuda' : `cannot install ${JSON.stringify(extra)}; expected cuda`, 'gpu');
    return installCuda(args, io);
  },
};

async function status(args: ParsedArgs, io: CliIo): Promise<number> {
  const report = await deviceReport(args.workspace);
  io.stdout.write(booleanFlag(args, 'json') ? `${JSON.stringify(report, null, 2)}\n` : formatDeviceReport(report, 'text'));
  return 0;
}
