// Which nodes onnxruntime places on which provider, read from its verbose log in a child process (the log
// goes to the process's stderr, so it cannot be read back in the test's own process).
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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

export type GraphName = `${'token' | 'sequence'}:${'train' | 'infer'}`;

/**
 * The placement of each named graph of a model folder built for `kernels`, all opened in one child process.
 * Its stderr goes to a file, not a pipe: onnxruntime writes the log with std::cerr straight to fd 2, which Node
 * makes non-blocking, so a full pipe made the write fail and cerr drop everything after it.
 */
export async function placementsOnWebGpu(modelDir: string, kernels: 'cpu' | 'webgpu', graphs: readonly GraphName[]): Promise<Map<GraphName, Placement>> {
  const probe = resolve(__dirname, 'placementProbe.ts');
  const folder = await mkdtemp(join(tmpdir(), 'pasta-placement-'));
  const logFile = join(folder, 'stderr.log');
  const log = openSync(logFile, 'w');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', probe, modelDir, kernels, ...graphs], { stdio: ['ignore', 'ignore', log] });
    const code = await new Promise<number | null>((done, fail) => child.on('error', fail).on('close', done));
    const stderr = await readFile(logFile, 'utf8');
    if (code !== 0) throw new Error(`placement probe failed: ${stderr.split('\n').filter(Boolean).at(-1) ?? `exit ${code}`}`);
    // Each line of onnxruntime's log carries its session's log id, the graph's name.
    const lines = stderr.split('\n');
    return new Map(graphs.map((graph) => [graph, parsePlacement(lines.filter((line) => line.includes(`onnxruntime:${graph},`)).join('\n'))]));
  } finally {
    closeSync(log);
    await rm(folder, { recursive: true, force: true });
  }
}

export function countOf(ops: Map<string, number> | undefined): number {
  return ops ? [...ops.values()].reduce((a, b) => a + b, 0) : 0;
}
