// How model predictions look in the editor: one decoration type per label colour with a dashed border (the
// annotations' border is solid) and a faint background, so that a prediction reads as a suggestion in light,
// dark and high-contrast themes; the hover names the label, the confidence and the adapter.
import * as vscode from 'vscode';
import type { PredictedSpan } from '../core/pasta/predictor.js';

const FALLBACK_COLOR = '#808080';

export class PredictionDecorations implements vscode.Disposable {
  private readonly types = new Map<string, { color: string; type: vscode.TextEditorDecorationType }>();

  /** Shows `spans` in `editor`, coloured by `colors` (label -> #rrggbb); an empty list clears the editor. */
  show(editor: vscode.TextEditor, spans: readonly PredictedSpan[], colors: ReadonlyMap<string, string>): void {
    const byLabel = new Map<string, vscode.DecorationOptions[]>();
    for (const span of spans) {
      const range = new vscode.Range(editor.document.positionAt(span.start), editor.document.positionAt(span.end));
      const list = byLabel.get(span.label) ?? [];
      list.push({ range, hoverMessage: hoverFor(span) });
      byLabel.set(span.label, list);
    }
    for (const label of byLabel.keys()) this.typeFor(label, colors.get(label) ?? FALLBACK_COLOR);
    for (const [label, { type }] of this.types) editor.setDecorations(type, byLabel.get(label) ?? []);
  }

  clear(editor: vscode.TextEditor): void {
    for (const { type } of this.types.values()) editor.setDecorations(type, []);
  }

  private typeFor(label: string, color: string): vscode.TextEditorDecorationType {
    const existing = this.types.get(label);
    if (existing?.color === color) return existing.type;
    existing?.type.dispose();
    const type = vscode.window.createTextEditorDecorationType({
      backgroundColor: `${color}1a`,
      border: `1px dashed ${color}`,
      borderRadius: '2px',
      overviewRulerColor: `${color}66`,
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      // Typing at either edge is not part of the prediction: the line is predicted again.
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.types.set(label, { color, type });
    return type;
  }

  dispose(): void {
    for (const { type } of this.types.values()) type.dispose();
    this.types.clear();
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
