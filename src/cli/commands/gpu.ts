// `pasta gpu`: what the machine offers for training (status).
import { deviceReport, formatDeviceReport } from '../../core/engine/deviceReport.js';
import { booleanFlag, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.js';

const ACTIONS = ['status'] as const;
type Action = (typeof ACTIONS)[number];

export const gpuCommand: Command = {
  name: 'gpu',
  summary: 'Show the execution providers and GPU adapter here, and what device auto picks',
  description: [
    'status (the default): the execution providers onnxruntime-node has here, the GPU adapter WebGPU would use (name, vendor, hardware or software), which device "auto" picks and why, and the device the workspace\'s latest adapter was trained on.',
  ].join('\n'),
  positionals: [{ name: 'action', description: `One of ${ACTIONS.join(', ')}`, optional: true }],
  flags: {
    json: { type: 'boolean', description: 'Print JSON instead of text (status)' },
  },
  async run(args, io) {
    const [actionText = 'status', extra] = args.positionals;
    if (!(ACTIONS as readonly string[]).includes(actionText)) throw new UsageError(`unknown action ${JSON.stringify(actionText)}; expected ${ACTIONS.join(', ')}`, 'gpu');
    const action = actionText as Action;
    if (action === 'status') {
      if (extra !== undefined) throw new UsageError(`status takes no further argument (found ${JSON.stringify(extra)})`, 'gpu');
      return status(args, io);
    }
  },
};

async function status(args: ParsedArgs, io: CliIo): Promise<number> {
  const report = await deviceReport(args.workspace);
  io.stdout.write(booleanFlag(args, 'json') ? `${JSON.stringify(report, null, 2)}\n` : formatDeviceReport(report, 'text'));
  return 0;
}
