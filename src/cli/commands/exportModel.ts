// pasta export-model --adapter <name> --out <dir> [--triton]: the adapter baked into a standalone ONNX model folder
// that Hugging Face Optimum, onnxruntime (Python, Node) and Triton's onnxruntime backend load as it is.
import { resolve } from 'node:path';
import { booleanFlag, stringFlag, UsageError, type Command } from '../command.js';

export const exportModelCommand: Command = {
  name: 'export-model',
  summary: 'Export an adapter with its base model as a standalone ONNX model folder (Optimum, onnxruntime, Triton)',
  description: [
    "Writes a new folder: model.onnx (the frozen base, the adapter's PASTA vectors and its head; inputs input_ids, attention_mask and token_type_ids where the family has them, int64 [batch, sequence]; output logits), config.json (the base's fields, the *ForTokenClassification or *ForSequenceClassification architecture, id2label and label2id), the base model's tokenizer files and a model card README.md. Optimum's ORTModelForTokenClassification / ORTModelForSequenceClassification load it with from_pretrained(<dir>).",
    'Weights over 2 GB go to ONNX external data (model.onnx_data beside model.onnx).',
    'With --triton, <dir> is a Triton model repository: <dir>/<adapter>/config.pbtxt (platform onnxruntime_onnx) and <dir>/<adapter>/1/model.onnx, with config.json, the tokenizer files and README.md beside config.pbtxt.',
    'The adapter is checked against its base model first: a base that is missing or differs from the one it was trained on is refused.',
  ].join('\n'),
  flags: {
    adapter: { type: 'string', short: 'a', valueName: '<name>', description: 'Adapter under .pasta/adapters. Required' },
    out: { type: 'string', short: 'o', valueName: '<dir>', description: 'The folder to create; it must not exist. Required' },
    triton: { type: 'boolean', description: 'Write a Triton Inference Server model repository' },
  },
  async run(args, io) {
    const adapter = stringFlag(args, 'adapter');
    const outFlag = stringFlag(args, 'out');
    if (adapter === undefined) throw new UsageError('--adapter <name> is required', 'export-model');
    if (outFlag === undefined) throw new UsageError('--out <dir> is required', 'export-model');
    // The engine's graph code loads only when a command needs it.
    const { exportModel } = await import('../../core/export/exportModel.js');
    const exported = await exportModel({
      workspaceRoot: args.workspace,
      adapter,
      out: resolve(io.cwd, outFlag),
      triton: booleanFlag(args, 'triton'),
      onProgress: args.verbose ? (stage) => io.stderr.write(`${stage}\n`) : undefined,
    });
    io.stdout.write(`Exported adapter ${adapter} to ${exported.out}\n`);
    for (const file of exported.files) io.stdout.write(`  ${file}\n`);
    return 0;
  },
};
