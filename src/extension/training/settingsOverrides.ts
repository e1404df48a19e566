// pasta.device, pasta.threads and pasta.batchSize as overrides of project.json's hyperparameters. Only settings
// the person set (in any scope) override: a setting left at its default must not hide what project.json says.
import * as vscode from 'vscode';
import { readSettings } from '../settings.js';
import type { TrainingOverrides } from '../../protocol/trainingWorker.js';

function isSet(section: string, scope: vscode.ConfigurationScope | undefined): boolean {
  const i = vscode.workspace.getConfiguration('pasta', scope).inspect(section);
  return [i?.globalValue, i?.workspaceValue, i?.workspaceFolderValue].some((v) => v !== undefined);
}

export function settingsOverrides(scope?: vscode.ConfigurationScope): TrainingOverrides {
  const settings = readSettings(scope);
  const out: TrainingOverrides = {};
  if (isSet('device', scope)) out.device = settings.device;
  if (isSet('threads', scope)) out.threads = settings.threads;
  if (isSet('batchSize', scope)) out.batchSize = settings.batchSize;
  return out;
}
