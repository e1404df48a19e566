// "PASTA: Package Adapter into Repository": checks that the adapter loads, writes its README.md model card and,
// in a git repository, offers to stage the adapter folder (it never commits).
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { writeFileAtomic } from '../../core/util/atomicWrite.js';
import { adapterDir, loadAdapter } from '../../core/adapter/index.js';
import { pickAdapter } from './adapterPick.js';
import { MODEL_CARD_FILE, modelCard } from '../training/modelCard.js';
import { requireTrust } from '../trust.js';
import type { PastaCommand } from './context.js';

const run = promisify(execFile);

export interface PackageResult {
  name: string;
  dir: string;
  sizeKb: number;
  staged: boolean;
}

/** The command's optional argument: the adapter by name, and whether to stage it without asking. */
interface PackageArgs {
  adapterName?: string;
  gitAdd?: boolean;
}

function parseArgs(arg: unknown): PackageArgs {
  if (typeof arg === 'string') return { adapterName: arg };
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  return { adapterName: typeof a.adapterName === 'string' ? a.adapterName : undefined, gitAdd: typeof a.gitAdd === 'boolean' ? a.gitAdd : undefined };
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) if (entry.isFile()) total += (await fs.stat(join(dir, entry.name))).size;
  return total;
}

async function insideGitWorkTree(cwd: string): Promise<boolean> {
  try {
    const { stdout } = await run('git', ['rev-parse', '--is-inside-work-tree'], { cwd });
    return stdout.trim() === 'true';
  } catch {
    return false; // not a repository, or no git on PATH
  }
}

export const packageAdapter: PastaCommand = {
  id: 'pasta.packageAdapter',
  async run(ctx, arg?: unknown): Promise<PackageResult | false> {
    if (!requireTrust('packaging an adapter')) return false;
    const args = parseArgs(arg);
    const chosen = await pickAdapter(ctx, args.adapterName, { title: 'PASTA: Package Adapter into Repository', placeHolder: 'The adapter to package' });
    if (!chosen) return false;
    const root = chosen.folder.uri.fsPath;
    const dir = adapterDir(root, chosen.name);
    // Refuses (with the file and the problem) an adapter whose config or tensors are broken.
    const adapter = await loadAdapter(dir);
    const card = join(dir, MODEL_CARD_FILE);
    const weightsBytes = await folderBytes(dir);
    await writeFileAtomic(card, modelCard(chosen.name, adapter.config, weightsBytes));
    const sizeKb = Math.round((await folderBytes(dir)) / 102.4) / 10;
    const rel = relative(root, dir).split('\\').join('/');
    ctx.log.info(`packaged ${rel}: ${sizeKb} KB, model card ${MODEL_CARD_FILE}`);

    let staged = false;
    if (await insideGitWorkTree(root)) {
      const stage =
        args.gitAdd ??
        (await vscode.window.showInformationMessage(
          `PASTA: ${chosen.name} is ready to commit: ${sizeKb} KB in ${rel} (model card ${MODEL_CARD_FILE} written).`,
          'Stage with git add',
        )) === 'Stage with git add';
      if (stage) {
        await run('git', ['add', '--', rel], { cwd: root });
        staged = true;
        void vscode.window.showInformationMessage(`PASTA: ${rel} staged (${sizeKb} KB). Commit it with your code.`);
      }
    } else {
      void vscode.window.showInformationMessage(`PASTA: ${chosen.name} packaged: ${sizeKb} KB in ${rel} (model card ${MODEL_CARD_FILE} written).`);
    }
    return { name: chosen.name, dir, sizeKb, staged };
  },
};
