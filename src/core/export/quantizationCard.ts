// How an int8 export is quantised and what it costs, for config.json (pasta.quantization) and the model card.
import { int8WeightLevels, type Int8WeightBits } from '../graph/ops';
import { describeInt8Accuracy, type Int8Accuracy } from './int8Accuracy';

const round = (x: number, digits: number) => Number(x.toFixed(digits));

export function quantizationConfig(a: Int8Accuracy): Record<string, unknown> {
  return {
    precision: 'int8',
    weights:
      'the base encoder Linear weights (but the attention output projection of DeBERTa and ModernBERT encoders): int8, symmetric, one scale per output channel',
    weight_bits: a.weightBits,
    weight_levels: [-int8WeightLevels(a.weightBits), int8WeightLevels(a.weightBits)],
    activations:
      'uint8 with a zero point, quantised as the model runs, each row (token) divided by its largest magnitude first and the product multiplied by it after',
    op: 'com.microsoft.DynamicQuantizeMatMul',
    float32:
      'embeddings, LayerNorm, attention scores and softmax, the attention output projection (DeBERTa, ModernBERT), the PASTA vectors and the classification head',
    dev_metric: a.metric,
    dev_documents: a.devDocuments,
    dev_f1_fp32: round(a.fp32.scores.f1, 6),
    dev_f1_int8: round(a.int8.scores.f1, 6),
    f1_change_points: round(a.f1Change, 3),
    max_f1_drop_points: a.maxF1Drop,
  };
}

/** Why the weights have the bits they have, and what 8 bits risk. */
function weightBitsSentence(bits: Int8WeightBits): string {
  const saturation =
    "on x86 CPUs without VNNI or AMX (AVX2, or AVX-512 without VNNI: most Intel CPUs before Ice Lake and Cascade Lake, AMD Zen 1-3) onnxruntime's integer kernel adds pairs of uint8 x int8 products into 16 bits with saturation";
  return bits === 7
    ? `The weights use 7 bits (levels in [-64, 64], scale max|W| / 64, as onnxruntime's \`reduce_range\`, \`--int8-weight-bits 7\`), which that cannot overflow: ${saturation}.`
    : `The weights use 8 bits (levels in [-127, 127]), as onnxruntime's quantiser gives them; ${saturation}, which 8-bit weights can overflow. The dev F1 below was measured on the CPU that exported the model; where it will run on such CPUs, check it there, or export with \`--int8-weight-bits 7\`, which cannot saturate and reports what it costs.`;
}

export function quantizationMarkdown(a: Int8Accuracy): string[] {
  return [
    '## int8',
    '',
    "The frozen base encoder's Linear weights (but the attention output projection of DeBERTa and ModernBERT encoders, kept float32 for accuracy) are stored in int8 (symmetric, one scale per output channel) and multiplied by onnxruntime's `com.microsoft` `DynamicQuantizeMatMul`, which quantises the activations (uint8) as it runs, each token's row divided by its largest magnitude first and the product's row multiplied by it after (Div, ReduceMax, ReduceMin, Mul around the op); embeddings, LayerNorm, the attention softmax, the PASTA vectors and the head stay float32. onnxruntime has that op on the CPU only (a GPU provider hands it to the CPU): run this model on CPUs.",
    '',
    weightBitsSentence(a.weightBits),
    '',
    `Measured at export on the project's dev split: ${describeInt8Accuracy(a)} (the export refuses a drop over ${a.maxF1Drop} points).`,
    '',
  ];
}
