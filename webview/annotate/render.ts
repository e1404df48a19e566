// Draws the text with its entities. Every piece of text sits in one element carrying its start offset
// (data-offset), which is how a DOM selection maps back to offsets into the file.
import type { Span } from '../../src/core/data/types.js';
import type { LabelInfo } from '../../src/protocol/annotate.js';

const FALLBACK_COLOR = '#808080';

export function renderText(container: HTMLElement, text: string, spans: readonly Span[], labels: readonly LabelInfo[]): void {
  const colors = new Map(labels.map((l) => [l.name, l.color]));
  const pieces: HTMLElement[] = [];
  let at = 0;
  const plain = (start: number, end: number) => {
    if (end <= start) return;
    const piece = document.createElement('span');
    piece.dataset.offset = String(start);
    piece.textContent = text.slice(start, end);
    pieces.push(piece);
  };
  for (const span of spans) {
    if (span.start < at || span.end > text.length) continue;
    plain(at, span.start);
    const mark = document.createElement('mark');
    mark.className = 'entity';
    mark.dataset.offset = String(span.start);
    mark.dataset.label = span.label;
    mark.title = span.label;
    mark.style.setProperty('--label-color', colors.get(span.label) ?? FALLBACK_COLOR);
    mark.textContent = text.slice(span.start, span.end);
    pieces.push(mark);
    at = span.end;
  }
  plain(at, text.length);
  container.replaceChildren(...pieces);
}

export function renderSpanList(list: HTMLElement, text: string, spans: readonly Span[], labels: readonly LabelInfo[], onRemove: (span: Span) => void): void {
  const colors = new Map(labels.map((l) => [l.name, l.color]));
  list.replaceChildren(
    ...spans.map((span) => {
      const item = document.createElement('li');
      const mark = document.createElement('mark');
      mark.className = 'entity';
      mark.dataset.label = span.label;
      mark.style.setProperty('--label-color', colors.get(span.label) ?? FALLBACK_COLOR);
      mark.textContent = text.slice(span.start, span.end);
      const where = document.createElement('span');
      where.className = 'offsets';
      where.textContent = `${span.start}–${span.end}`;
      const remove = document.createElement('vscode-button');
      remove.setAttribute('secondary', '');
      remove.className = 'remove';
      remove.title = `Remove ${span.label} "${mark.textContent}"`;
      remove.textContent = 'Remove';
      remove.addEventListener('click', () => onRemove(span));
      item.append(mark, where, remove);
      return item;
    }),
  );
}
