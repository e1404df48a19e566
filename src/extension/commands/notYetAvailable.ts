import * as vscode from 'vscode';

/** Placeholder until the engine behind a command is wired in. */
export function notYetAvailable(title: string, arrivesWith: string): void {
  void vscode.window.showInformationMessage(`PASTA: ${title} arrives with ${arrivesWith}.`);
}
