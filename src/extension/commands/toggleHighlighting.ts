import * as vscode from 'vscode';
import { predictionsOf } from '../predictions/predictionsFeature.js';
import { requireTrust } from '../trust.js';
import type { PastaCommand } from './context.js';

/** Turns highlighting with the active adapter on or off (annotations stay highlighted); returns whether it is on. */
export const toggleHighlighting: PastaCommand = {
  id: 'pasta.toggleHighlighting',
  async run(ctx, onArg?: unknown): Promise<boolean> {
    const highlighting = predictionsOf(ctx).highlighting;
    const on = typeof onArg === 'boolean' ? onArg : !highlighting.enabled;
    if (on && !requireTrust('highlighting with the model')) return false;
    await highlighting.setEnabled(on);
    void vscode.window.setStatusBarMessage(`PASTA: model highlighting ${on ? 'on' : 'off'}`, 3000);
    return on;
  },
};
