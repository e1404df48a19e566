// Workspace trust: in Restricted Mode no model or adapter is loaded from the workspace and no training runs.
import * as vscode from 'vscode';

/** True when trusted; otherwise tells the person why `action` is refused and returns false. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`PASTA: ${action} is disabled in Restricted Mode. Trust this workspace to load models and train adapters.`);
  return false;
}
