// Every command of the extension; each lives in its own module so that wiring one in is a one-file change.
import * as vscode from 'vscode';
import { annotateCurrentFile } from './annotateCurrentFile.js';
import type { PastaCommand, PastaContext } from './context.js';
import { exportAnnotations } from './exportAnnotations.js';
import { exportModelCommand } from './exportModel.js';
import { importAnnotations } from './importAnnotations.js';
import { installGpuSupport } from './installGpuSupport.js';
import { labelSelection } from './labelSelection.js';
import { packageAdapter } from './packageAdapter.js';
import { predictEntities } from './predictEntities.js';
import { preannotateWithLanguageModel } from './preannotateWithLanguageModel.js';
import { removeEntity } from './removeEntity.js';
import { selectActiveAdapter } from './selectActiveAdapter.js';
import { selectBaseModel } from './selectBaseModel.js';
import { setLanguageModelApiKey } from './setLanguageModelApiKey.js';
import { showDeviceInfo } from './showDeviceInfo.js';
import { showLanguageModelAgreement } from './showLanguageModelAgreement.js';
import { showTrainingDashboard } from './showTrainingDashboard.js';
import { toggleHighlighting } from './toggleHighlighting.js';
import { trainAdapter } from './trainAdapter.js';

export const COMMANDS: readonly PastaCommand[] = [
  trainAdapter,
  showTrainingDashboard,
  annotateCurrentFile,
  predictEntities,
  preannotateWithLanguageModel,
  setLanguageModelApiKey,
  showLanguageModelAgreement,
  toggleHighlighting,
  selectBaseModel,
  selectActiveAdapter,
  packageAdapter,
  exportModelCommand,
  importAnnotations,
  exportAnnotations,
  installGpuSupport,
  labelSelection,
  removeEntity,
  showDeviceInfo,
];

export function registerCommands(ctx: PastaContext): vscode.Disposable[] {
  return COMMANDS.map((c) =>
    vscode.commands.registerCommand(c.id, async (...args: unknown[]) => {
      try {
        return await c.run(ctx, ...args);
      } catch (err) {
        ctx.log.error(`${c.id}: ${(err as Error).stack ?? err}`);
        void vscode.window.showErrorMessage(`PASTA: ${(err as Error).message}`);
        return undefined;
      }
    }),
  );
}
