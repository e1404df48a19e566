// A full garbage collection on demand. V8 schedules collections by its own heap's growth and by the external
// memory that JavaScript allocates; onnxruntime's allocations are invisible to it. So the base's weights, hundreds
// of megabytes of ArrayBuffers that become garbage once both sessions hold their copies, stayed resident through
// the first train steps, when onnxruntime allocates its activations: BERT-base int8 at 8 x 128 peaked at 1.76 GB,
// 1.17 GB with a collection at release. Node exposes gc() only behind --expose-gc, which neither VS Code's
// extension host nor `pasta` is started with; setting the flag at run time and taking gc from a new context is
// how jest's leak detector does it.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
      setFlagsFromString('--no-expose-gc');
    }
  }
  gc();
}
