// How model predictions look in the editor: one decoration type per label colour with a dashed border (the
// annotations' border is solid) and a faint background, so that a prediction reads as a suggestion in light,
// dark and high-contrast themes; the hover names the label, the confidence and the adapter.
import * as vscode from 'vscode';
import type { PredictedSpan } from '../core/prediction/predictor.js';
import { FALLBACK_LABEL_COLOR, LabelDecorationTypes, decorationsByLabel } from './labelDecorationTypes.js';

export class PredictionDecorations implements vscode.Disposable {
  private readonly types = new LabelDecorationTypes({
    fillAlpha: '1a',
    borderStyle: 'dashed',
    rulerAlpha: '66',
    rulerLane: vscode.OverviewRulerLane.Right,
  });

  /** Shows `spans` in `editor`, coloured by `colors` (label -> #rrggbb); an empty list clears the editor. */
  show(editor: vscode.TextEditor, spans: readonly PredictedSpan[], colors: ReadonlyMap<string, string>): void {
    const byLabel = decorationsByLabel(editor.document, spans, hoverFor);
    for (const label of byLabel.keys()) this.types.ensure(label, colors.get(label) ?? FALLBACK_LABEL_COLOR);
    this.types.show(editor, byLabel);
  }

  clear(editor: vscode.TextEditor): void {
    this.types.show(editor, new Map());
  }

  dispose(): void {
    this.types.dispose();
  }
}

export function hoverFor(span: PredictedSpan): vscode.MarkdownString {
  const hover = new vscode.MarkdownString(
    `PASTA prediction: **${escapeMarkdown(span.label)}** · confidence ${(span.confidence * 100).toFixed(0)}% · adapter \`${span.adapter}\``,
  );
  hover.isTrusted = false;
  return hover;
}

function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
