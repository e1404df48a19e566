// gpu-check's parity rows: every golden case whose model travels with the repository (the tiny random models;
// all-MiniLM-L6-v2's weights do not), training and inference graphs built for and run on one device, against
// the PyTorch reference's tensors. Usage: parity.js <device>; one JSON line per case.
import type { Device } from '../../src/core/engine/deviceNames';
import { caseModelDir, goldenCaseNames, readCase, readGoldenTensors, relativeError, runOurs } from '../../test/helpers/goldens';

const TOLERANCE = 1e-4;
const PARAMETERS = new Set(['pasta_vectors', 'classifier.weight', 'classifier.bias']);

async function main() {
  const device = process.argv[2] as Device;
  for (const name of goldenCaseNames()) {
    const c = readCase(name);
    const modelDir = caseModelDir(c);
    if (!modelDir) {
      console.log(JSON.stringify({ bench: 'parity', device, case: name, skipped: `${c.model} is not on this machine` }));
      continue;
    }
    const started = performance.now();
    try {
      const golden = await readGoldenTensors(name);
      let worst = { tensor: '', relative: 0 };
      const compare = (graph: string, tensor: string, actual: { data: unknown } | undefined) => {
        if (!actual) throw new Error(`our ${graph} graph has no output ${tensor}`);
        const { relative } = relativeError(actual.data as Float32Array, golden.get(tensor)!.data);
        if (!(relative <= worst.relative)) worst = { tensor: `${graph} ${tensor}`, relative };
      };
      const trained = await runOurs(c, modelDir, golden, device, 'train');
      for (const tensor of golden.keys()) if (!PARAMETERS.has(tensor)) compare('training', tensor, trained[tensor]);
      const inferred = await runOurs(c, modelDir, golden, device, 'infer');
      compare('inference', 'logits', inferred.logits);
      const ok = worst.relative <= TOLERANCE;
      console.log(
        JSON.stringify({
          bench: 'parity',
          device,
          case: name,
          worst_relative: Number(worst.relative.toExponential(3)),
          worst_tensor: worst.tensor,
          tolerance: TOLERANCE,
          ok,
          ms: Math.round(performance.now() - started),
        }),
      );
    } catch (error) {
      console.log(JSON.stringify({ bench: 'parity', device, case: name, ok: false, error: String((error as Error).message ?? error).split('\n')[0] }));
    }
  }
}
main().catch((err) => {
  console.error(err);
  process.exit(2);
});
