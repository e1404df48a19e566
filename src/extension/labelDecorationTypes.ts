// One editor decoration type per label, made again when the label's colour changes. Annotations and predictions
// share this and differ only in their LabelLook; a label's colour is #rrggbb and the look adds the opacities.
import * as vscode from 'vscode';

/** The colour of a label that no project or setting names. */
export const FALLBACK_LABEL_COLOR = '#808080';

export interface LabelLook {
  /** The background's opacity, two hex digits after the label colour ('33' is 20%). */
  fillAlpha: string;
  borderStyle: 'solid' | 'dashed';
  /** The overview ruler mark's opacity, as fillAlpha. */
  rulerAlpha: string;
  rulerLane: vscode.OverviewRulerLane;
}

/** Groups `spans` by label as decorations of `document`, each with `hover(span)`. */
export function decorationsByLabel<S extends { start: number; end: number; label: string }>(
  document: vscode.TextDocument,
  spans: Iterable<S>,
  hover: (span: S) => vscode.MarkdownString,
): Map<string, vscode.DecorationOptions[]> {
  const byLabel = new Map<string, vscode.DecorationOptions[]>();
  for (const span of spans) {
    const range = new vscode.Range(document.positionAt(span.start), document.positionAt(span.end));
    const list = byLabel.get(span.label) ?? [];
    list.push({ range, hoverMessage: hover(span) });
    byLabel.set(span.label, list);
  }
  return byLabel;
}

export class LabelDecorationTypes implements vscode.Disposable {
  private readonly types = new Map<string, { color: string; type: vscode.TextEditorDecorationType }>();

  constructor(private readonly look: LabelLook) {}

  has(label: string): boolean {
    return this.types.has(label);
  }

  /** Makes sure `label` has a type drawn in `color`, replacing (and disposing) one of another colour. */
  ensure(label: string, color: string): void {
    const existing = this.types.get(label);
    if (existing?.color === color) return;
    existing?.type.dispose();
    const type = vscode.window.createTextEditorDecorationType({
      backgroundColor: `${color}${this.look.fillAlpha}`,
      border: `1px ${this.look.borderStyle} ${color}`,
      borderRadius: '2px',
      overviewRulerColor: `${color}${this.look.rulerAlpha}`,
      overviewRulerLane: this.look.rulerLane,
      // Text typed at either edge stays outside: a span changes only by an edit of the annotations or a new prediction.
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.types.set(label, { color, type });
  }

  /** Shows `byLabel` in `editor` for every label with a type (see ensure), clearing the labels it lacks. */
  show(editor: vscode.TextEditor, byLabel: ReadonlyMap<string, readonly vscode.DecorationOptions[]>): void {
    for (const [label, { type }] of this.types) editor.setDecorations(type, byLabel.get(label) ?? []);
  }

  dispose(): void {
    for (const { type } of this.types.values()) type.dispose();
    this.types.clear();
  }
}
