// Maps the DOM selection inside the rendered text to offsets into the file, and back for the caret.

/** The offset of a DOM position (node, offset) inside `container`, or undefined when outside it. */
function offsetOf(container: HTMLElement, node: Node, offset: number, textLength: number): number | undefined {
  if (!container.contains(node)) return undefined;
  if (node === container) {
    const child = container.children[offset] as HTMLElement | undefined;
    return child ? Number(child.dataset.offset) : textLength;
  }
  const piece = (node.nodeType === Node.TEXT_NODE ? node.parentElement : (node as HTMLElement))?.closest<HTMLElement>('[data-offset]');
  if (!piece || !container.contains(piece)) return undefined;
  const base = Number(piece.dataset.offset);
  if (node.nodeType === Node.TEXT_NODE) return base + offset;
  return offset === 0 ? base : base + (piece.textContent?.length ?? 0);
}

export function selectionOffsets(container: HTMLElement, textLength: number): { start: number; end: number } | undefined {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0) return undefined;
  const range = selection.getRangeAt(0);
  const start = offsetOf(container, range.startContainer, range.startOffset, textLength);
  const end = offsetOf(container, range.endContainer, range.endOffset, textLength);
  if (start === undefined || end === undefined) return undefined;
  return { start: Math.min(start, end), end: Math.max(start, end) };
}

export function setCaret(container: HTMLElement, offset: number): void {
  for (const piece of Array.from(container.children) as HTMLElement[]) {
    const base = Number(piece.dataset.offset);
    const length = piece.textContent?.length ?? 0;
    if (offset <= base + length && piece.firstChild) {
      const selection = window.getSelection();
      selection?.collapse(piece.firstChild, Math.max(0, offset - base));
      container.focus();
      return;
    }
  }
}
