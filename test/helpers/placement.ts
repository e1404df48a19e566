// Which nodes onnxruntime places on which provider, read from its verbose log in a child process (the log
// goes to the process's stderr, so it cannot be read back in the test's own process).
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** Provider name (e.g. CPUExecutionProvider) -> op type -> node count. */
export type Placement = Map<string, Map<string, number>>;

export function parsePlacement(log: string): Placement {
  const placement: Placement = new Map();
  let provider: string | undefined;
  for (const line of log.split('\n')) {
    const all = /All nodes placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
    if (all) placement.set(all[1], new Map([['*', Number(all[2])]]));
    const header = /Node\(s\) placed on \[(\w+)\]/.exec(line);
    if (header) {
      provider = header[1];
      placement.set(provider, new Map());
      continue;
    }
    const node = /VerifyEachNodeIsAssignedToAnEp\] {3}(\S+) \(/.exec(line);
    if (node && provider) {
      const ops = placement.get(provider)!;
      ops.set(node[1], (ops.get(node[1]) ?? 0) + 1);
      // Only another onnxruntime message ends the list: Dawn's warnings, written from its own thread, can fall
      // between the listed nodes.
    } else if (/^\S* ?\d{4}-\d\d-\d\d \S+ \[[VIWEF]:onnxruntime/.test(line)) provider = undefined;
  }
  return placement;
}

export function placementOnWebGpu(modelDir: string, task: 'token' | 'sequence', mode: 'train' | 'infer', kernels: 'cpu' | 'webgpu'): Promise<Placement> {
  const probe = resolve(__dirname, 'placementProbe.ts');
  return new Promise((done, fail) => {
    execFile(process.execPath, ['--import', 'tsx', probe, modelDir, task, mode, kernels], { maxBuffer: 256 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) return fail(new Error(`placement probe failed: ${stderr.split('\n').filter(Boolean).at(-1) ?? error.message}`));
      done(parsePlacement(stderr));
    });
  });
}

export function countOf(ops: Map<string, number> | undefined): number {
  return ops ? [...ops.values()].reduce((a, b) => a + b, 0) : 0;
}
