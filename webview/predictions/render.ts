// Draws the review list: each prediction in its line's context with its label, confidence (or LM, for a language
// model's suggestion) and the two decisions. Clicking the text shows the span in the editor.
import type { LabelInfo } from '../../src/protocol/annotate.js';
import type { PredictionItem } from '../../src/protocol/predictions.js';

const FALLBACK_COLOR = '#808080';

export type SortOrder = 'position' | 'confidence';

export interface ItemActions {
  accept(item: PredictionItem): void;
  reject(item: PredictionItem): void;
  reveal(item: PredictionItem): void;
}

export function sortItems(items: readonly PredictionItem[], order: SortOrder): PredictionItem[] {
  // Least confident first: those are the ones worth a look.
  return [...items].sort(order === 'confidence' ? (a, b) => a.confidence - b.confidence || a.start - b.start : (a, b) => a.start - b.start);
}

export function renderItems(list: HTMLElement, items: readonly PredictionItem[], labels: readonly LabelInfo[], actions: ItemActions): void {
  const colors = new Map(labels.map((l) => [l.name, l.color]));
  list.replaceChildren(
    ...items.map((item) => {
      const li = document.createElement('li');
      li.dataset.start = String(item.start);
      li.dataset.end = String(item.end);
      li.dataset.label = item.label;
      li.style.setProperty('--label-color', colors.get(item.label) ?? FALLBACK_COLOR);

      const context = element('span', 'context');
      context.title = `Line ${item.line}: show in the editor`;
      context.append(
        element('span', 'around', item.before),
        element('mark', 'prediction', item.text),
        ' ',
        element('span', 'label', item.label),
        element('span', 'around', item.after),
      );
      context.addEventListener('click', () => actions.reveal(item));

      const line = element('span', 'line', `line ${item.line}`);
      const fromLanguageModel = item.source === 'language-model';
      const confidence = fromLanguageModel
        ? element('span', 'confidence language-model', 'LM')
        : element('span', item.confidence < 0.5 ? 'confidence low' : 'confidence', `${(item.confidence * 100).toFixed(0)}%`);
      confidence.title = fromLanguageModel
        ? 'Suggested by a language model (it gives no probability)'
        : `Mean probability of the predicted tags over the span's words: ${item.confidence.toFixed(3)}`;

      const buttons = element('span', 'actions');
      buttons.append(
        button('Accept', 'accept', `Accept ${item.label} "${item.text}" as an annotation`, () => actions.accept(item)),
        button('Reject', 'reject', `Reject ${item.label} "${item.text}": hide it for this file`, () => actions.reject(item), true),
      );
      li.append(context, line, confidence, buttons);
      return li;
    }),
  );
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(text: string, className: string, title: string, onClick: () => void, secondary = false): HTMLElement {
  const b = document.createElement('vscode-button');
  if (secondary) b.setAttribute('secondary', '');
  b.className = className;
  b.title = title;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}
