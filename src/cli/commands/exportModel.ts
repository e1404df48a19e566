// pasta export-model --adapter <name> | --adapters a,b,c --out <dir> [--triton]: adapters baked into a standalone
// ONNX model folder that Hugging Face Optimum, onnxruntime (Python, Node) and Triton's onnxruntime backend load.
import { resolve } from 'node:path';
import type { Int8Accuracy } from '../../core/export/int8Accuracy.js';
import { booleanFlag, stringFlag, UsageError, type Command } from '../command.js';

// The defaults are repeated from core/export/int8Accuracy.ts and exportModel.ts, which load the engine: --help must not.
const DEFAULT_MAX_F1_DROP = 1.0;
const DEFAULT_INT8_WEIGHT_BITS = 8;

function parseMaxF1Drop(value: string | undefined, quantize: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!quantize) throw new UsageError('--max-f1-drop goes with --quantize int8', 'export-model');
  const points = Number(value);
  if (value.trim() === '' || !Number.isFinite(points) || points < 0)
    throw new UsageError(`--max-f1-drop '${value}' is not a number of F1 points (0 or more, e.g. 1.5)`, 'export-model');
  return points;
}

export const exportModelCommand: Command = {
  name: 'export-model',
  summary: 'Export an adapter (or several) with its base model as a standalone ONNX model folder (Optimum, onnxruntime, Triton)',
  description: [
    "Writes a new folder: model.onnx (the frozen base, the adapter's PASTA vectors and its head; inputs input_ids, attention_mask and token_type_ids where the family has them, int64 [batch, sequence]; output logits), config.json (the base's fields, the *ForTokenClassification or *ForSequenceClassification architecture, id2label and label2id), the base model's tokenizer files and a model card README.md. Optimum's ORTModelForTokenClassification / ORTModelForSequenceClassification load it with from_pretrained(<dir>).",
    "With --adapters a,b,c: one model.onnx for several adapters of one base and task, with an extra input adapter_ids (int64 [batch]) choosing each row's adapter by its position in the list (a is 0), so one batch may mix adapters. The logits are padded to the largest label set, the padding -inf; config.json lists each adapter's id2label under pasta.adapters, and README.md shows a mixed batch for onnxruntime and for Triton. Adapters on different bases, of different tasks or with vectors on different special tokens are refused.",
    "With --quantize int8: the frozen base encoder's Linear weights in int8 (symmetric, per output channel), multiplied by onnxruntime's com.microsoft DynamicQuantizeMatMul (activations quantised as it runs); embeddings, LayerNorm, the PASTA vectors and the head stay float32. Before writing, the float32 and the int8 model are both scored on the project's dev split (as pasta eval scores it); the F1 change goes to the output, config.json and the model card, and where int8 loses more than --max-f1-drop points (default 1.0) the export is refused with the numbers and nothing is written. One adapter only.",
    "The int8 weights get 8 bits (levels [-127, 127]) by default, as onnxruntime's own quantiser gives them. On x86 CPUs without VNNI or AMX (AVX2, or AVX-512 without VNNI: most Intel CPUs before Ice Lake and Cascade Lake, AMD Zen 1-3) onnxruntime's integer kernel adds pairs of products into 16 bits with saturation, which 8-bit weights can overflow; on a WNUT-17 tagger that left dev F1 where it was (32.7 on a CPU with VNNI, 32.8 on an emulated Haswell, fp32 32.2), but nothing bounds it for every model, and the dev F1 check scores the sums of the CPU that exports. --int8-weight-bits 7 (levels [-64, 64], onnxruntime's reduce_range) cannot saturate on any CPU; on that tagger, trained in fp32, it cost about 8 dev F1 points, which the check reports. config.json records the choice (pasta.quantization.weight_bits).",
    'Weights over 2 GB go to ONNX external data (model.onnx_data beside model.onnx).',
    'With --triton, <dir> is a Triton model repository: <dir>/<model>/config.pbtxt (platform onnxruntime_onnx) and <dir>/<model>/1/model.onnx, with config.json, the tokenizer files and README.md beside config.pbtxt; <model> is the adapter, or the adapters joined by _.',
    'Each adapter is checked against its base model first: a base that is missing or differs from the one it was trained on is refused.',
  ].join('\n'),
  flags: {
    adapter: { type: 'string', short: 'a', valueName: '<name>', description: 'Adapter under .pasta/adapters (this or --adapters is required)' },
    adapters: { type: 'string', valueName: '<a,b,...>', description: 'Several adapters of one base in one model, chosen per row by the input adapter_ids' },
    out: { type: 'string', short: 'o', valueName: '<dir>', description: 'The folder to create; it must not exist. Required' },
    triton: { type: 'boolean', description: 'Write a Triton Inference Server model repository' },
    quantize: {
      type: 'string',
      valueName: '<precision>',
      choices: ['int8'],
      description: "The base encoder's Linear weights in int8, checked on the dev split",
    },
    'max-f1-drop': {
      type: 'string',
      valueName: '<points>',
      defaultText: String(DEFAULT_MAX_F1_DROP),
      description: 'With --quantize: the most dev F1 points (of 100) int8 may lose',
    },
    'int8-weight-bits': {
      type: 'string',
      valueName: '<bits>',
      choices: ['7', '8'],
      defaultText: String(DEFAULT_INT8_WEIGHT_BITS),
      description: 'With --quantize: 8, or 7, which cannot saturate the integer kernel of x86 CPUs without VNNI or AMX',
    },
  },
  async run(args, io) {
    const adapter = stringFlag(args, 'adapter');
    const adaptersFlag = stringFlag(args, 'adapters');
    const outFlag = stringFlag(args, 'out');
    if (adapter === undefined && adaptersFlag === undefined) throw new UsageError('--adapter <name> is required', 'export-model');
    if (adapter !== undefined && adaptersFlag !== undefined) throw new UsageError('give --adapter <name> or --adapters <a,b,...>, not both', 'export-model');
    if (outFlag === undefined) throw new UsageError('--out <dir> is required', 'export-model');
    const quantize = stringFlag(args, 'quantize') as 'int8' | undefined;
    const maxF1Drop = parseMaxF1Drop(stringFlag(args, 'max-f1-drop'), quantize);
    const bitsFlag = stringFlag(args, 'int8-weight-bits');
    if (bitsFlag !== undefined && !quantize) throw new UsageError('--int8-weight-bits goes with --quantize int8', 'export-model');
    const int8WeightBits = quantize ? (Number(bitsFlag ?? DEFAULT_INT8_WEIGHT_BITS) as 7 | 8) : undefined;
    if (quantize && adaptersFlag !== undefined)
      throw new UsageError("--quantize takes one --adapter: the F1 change is measured on the project's dev split, which is one adapter's", 'export-model');
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
      : await (await import('../../core/export/exportModel.js')).exportModel({ ...common, adapter: adapter!, quantize, maxF1Drop, int8WeightBits });
    const precision = int8WeightBits ? ` in int8 with ${int8WeightBits}-bit weights` : '';
    io.stdout.write(`Exported ${adapters ? `adapters ${adapters.join(', ')}` : `adapter ${adapter}`}${precision} to ${exported.out}\n`);
    const int8 = 'int8' in exported ? (exported.int8 as Int8Accuracy | undefined) : undefined;
    if (int8) {
      const { describeInt8Accuracy } = await import('../../core/export/int8Accuracy.js');
      io.stdout.write(`int8: ${describeInt8Accuracy(int8)}; forward passes fp32 ${int8.fp32.seconds.toFixed(1)} s, int8 ${int8.int8.seconds.toFixed(1)} s\n`);
    }
    for (const file of exported.files) io.stdout.write(`  ${file}\n`);
    return 0;
  },
};
