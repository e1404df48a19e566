// pasta export-model --adapter <name> | --adapters a,b,c --out <dir> [--triton]: adapters baked into a standalone
// ONNX model folder that Hugging Face Optimum, onnxruntime (Python, Node) and Triton's onnxruntime backend load.
import { resolve } from 'node:path';
import { booleanFlag, stringFlag, UsageError, type Command } from '../command.js';

export const exportModelCommand: Command = {
  name: 'export-model',
  summary: 'Export an adapter (or several) with its base model as a standalone ONNX model folder (Optimum, onnxruntime, Triton)',
  description: [
    "Writes a new folder: model.onnx (the frozen base, the adapter's PASTA vectors and its head; inputs input_ids, attention_mask and token_type_ids where the family has them, int64 [batch, sequence]; output logits), config.json (the base's fields, the *ForTokenClassification or *ForSequenceClassification architecture, id2label and label2id), the base model's tokenizer files and a model card README.md. Optimum's ORTModelForTokenClassification / ORTModelForSequenceClassification load it with from_pretrained(<dir>).",
    "With --adapters a,b,c: one model.onnx for several adapters of one base and task, with an extra input adapter_ids (int64 [batch]) choosing each row's adapter by its position in the list (a is 0), so one batch may mix adapters. The logits are padded to the largest label set, the padding -inf; config.json lists each adapter's id2label under pasta.adapters, and README.md shows a mixed batch for onnxruntime and for Triton. Adapters on different bases, of different tasks or with vectors on different special tokens are refused.",
    'Weights over 2 GB go to ONNX external data (model.onnx_data beside model.onnx).',
    'With --triton, <dir> is a Triton model repository: <dir>/<model>/config.pbtxt (platform onnxruntime_onnx) and <dir>/<model>/1/model.onnx, with config.json, the tokenizer files and README.md beside config.pbtxt; <model> is the adapter, or the adapters joined by _.',
    'Each adapter is checked against its base model first: a base that is missing or differs from the one it was trained on is refused.',
  ].join('\n'),
  flags: {
    adapter: { type: 'string', short: 'a', valueName: '<name>', description: 'Adapter under .pasta/adapters (this or --adapters is required)' },
    adapters: { type: 'string', valueName: '<a,b,...>', description: 'Several adapters of one base in one model, chosen per row by the input adapter_ids' },
    out: { type: 'string', short: 'o', valueName: '<dir>', description: 'The folder to create; it must not exist. Required' },
    triton: { type: 'boolean', description: 'Write a Triton Inference Server model repository' },
  },
  async run(args, io) {
    const adapter = stringFlag(args, 'adapter');
    const adaptersFlag = stringFlag(args, 'adapters');
    const outFlag = stringFlag(args, 'out');
    if (adapter === undefined && adaptersFlag === undefined) throw new UsageError('--adapter <name> is required', 'export-model');
    if (adapter !== undefined && adaptersFlag !== undefined) throw new UsageError('give --adapter <name> or --adapters <a,b,...>, not both', 'export-model');
    if (outFlag === undefined) throw new UsageError('--out <dir> is required', 'export-model');
    const adapters = adaptersFlag?.split(',').map((a) => a.trim());
    if (adapters?.some((a) => a === '')) throw new UsageError(`--adapters '${adaptersFlag}' has an empty name`, 'export-model');
    const common = {
      workspaceRoot: args.workspace,
      out: resolve(io.cwd, outFlag),
      triton: booleanFlag(args, 'triton'),
      onProgress: args.verbose ? (stage: string) => io.stderr.write(`${stage}\n`) : undefined,
    };
    // The engine's graph code loads only when a command needs it.
    const exported = adapters
      ? await (await import('../../core/export/exportMultiAdapterModel.js')).exportMultiAdapterModel({ ...common, adapters })
      : await (await import('../../core/export/exportModel.js')).exportModel({ ...common, adapter: adapter! });
    io.stdout.write(`Exported ${adapters ? `adapters ${adapters.join(', ')}` : `adapter ${adapter}`} to ${exported.out}\n`);
    for (const file of exported.files) io.stdout.write(`  ${file}\n`);
    return 0;
  },
};
