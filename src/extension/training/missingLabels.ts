// Before training: labels the data uses and the project lacks would stop the run, so the person is offered to add
// them to .pasta/project.json first (a caller may answer through the Train Adapter command's argument).
import * as vscode from 'vscode';
import { readProjectFile } from '../../core/project/projectFile.js';
import { addProjectLabels, describeAddedLabels, describeLabelCounts } from '../../core/project/projectLabels.js';
import { findMissingLabels } from '../../core/project/workspaceData.js';

export const ADD_LABELS_ACTION = 'Add to Project';

/** False when labels are missing and the person did not add them: training would only fail on them. */
export async function offerMissingLabels(root: string, answer: boolean | undefined): Promise<boolean> {
  let missing: Map<string, number>;
  try {
    missing = await findMissingLabels(root, (await readProjectFile(root)).project);
  } catch {
    // Data that cannot be read is the training run's to report, with its file and line.
    return true;
  }
  if (missing.size === 0) return true;
  const add =
    answer ??
    (await vscode.window.showWarningMessage(
      `PASTA: the training data uses labels the project lacks: ${describeLabelCounts(missing)}. Add them to .pasta/project.json?`,
      ADD_LABELS_ACTION,
    )) === ADD_LABELS_ACTION;
  if (!add) return false;
  const added = describeAddedLabels(await addProjectLabels(root, [...missing.keys()]));
  if (added) void vscode.window.showInformationMessage(`PASTA: ${added}.`);
  return true;
}
