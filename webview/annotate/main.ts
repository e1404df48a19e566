// The annotation editor inside the webview: shows the file's text with coloured entities; select text with the
// mouse or the keyboard and press a label's key. The extension owns the spans; this app asks it to change them.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { type AnnotateViewState, type HostToWebview, type LabelInfo, type WebviewToHost, isViewState, parseHostMessage } from '../../src/protocol/annotate.js';
import { ExtensionHost } from '../shared/extensionHost.js';
import { renderSpanList, renderText } from './render.js';
import { selectionOffsets, setCaret } from './selection.js';

/** What survives hiding the panel and reloading the window. */
interface PersistedState {
  uri: string;
  view?: AnnotateViewState;
  scrollTop?: number;
}

const host = new ExtensionHost<WebviewToHost, HostToWebview, PersistedState>('annotate', parseHostMessage);
const app = document.getElementById('app')!;
const persisted = readPersisted(host.savedState());
const uri = app.dataset.uri ?? persisted?.uri ?? '';
let view: AnnotateViewState | undefined = persisted?.view;
/** Where to put the caret after the next redraw, so keyboard labelling can go on. */
let caretAfterUpdate: number | undefined;

app.innerHTML = `
  <header class="toolbar pinned">
    <span class="file" id="file"></span>
    <span class="legend" id="legend" aria-label="Labels and their keys"></span>
    <span class="actions">
      <vscode-button id="undo" secondary disabled title="Undo (Ctrl+Z)">Undo</vscode-button>
      <vscode-button id="redo" secondary disabled title="Redo (Ctrl+Shift+Z)">Redo</vscode-button>
    </span>
  </header>
  <div class="banner warning" id="stale" hidden>
    <span id="stale-text"></span>
    <vscode-button id="reanchor">Re-anchor</vscode-button>
  </div>
  <div class="banner error" id="error" role="alert" hidden></div>
  <div id="text" class="text" contenteditable="true" spellcheck="false" role="textbox" aria-readonly="true"
       aria-multiline="true" aria-label="File text: select words, then press a label key"></div>
  <p class="hint">Select text and press a label's key. Delete removes the entity at the caret. Ctrl+Z undoes, Ctrl+Shift+Z redoes.</p>
  <h2 id="spans-title">Entities</h2>
  <ul id="spans" class="spans"></ul>`;

const el = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const textEl = el('text');

function persist(): void {
  const state: PersistedState = { uri, view, scrollTop: document.scrollingElement?.scrollTop ?? 0 };
  host.saveState(state);
}

function render(state: AnnotateViewState): void {
  el('file').textContent = state.file;
  const legend = el('legend');
  legend.replaceChildren(...state.labels.map(legendChip));
  el('undo').toggleAttribute('disabled', !state.canUndo);
  el('redo').toggleAttribute('disabled', !state.canRedo);
  const stale = el('stale');
  stale.hidden = !state.stale;
  if (state.stale) {
    el('stale-text').textContent =
      `${state.stale.problem}. ${state.stale.reanchorable} span(s) can be re-anchored where their text is found once nearby; ${state.stale.lost} cannot.`;
  }
  renderText(textEl, state.text, state.spans, state.labels);
  renderSpanList(el('spans'), state.text, state.spans, state.labels, (s) => host.post({ type: 'remove', start: s.start, end: s.end }));
  el('spans-title').textContent = `Entities (${state.spans.length})`;
  if (caretAfterUpdate !== undefined) {
    setCaret(textEl, Math.min(caretAfterUpdate, state.text.length));
    caretAfterUpdate = undefined;
  }
}

function legendChip(label: LabelInfo): HTMLElement {
  const chip = document.createElement('span');
  chip.className = 'chip';
  chip.style.setProperty('--label-color', label.color);
  const key = document.createElement('kbd');
  key.textContent = label.key;
  chip.append(key, ` ${label.name}`);
  return chip;
}

function showError(message: string): void {
  const box = el('error');
  box.textContent = message;
  box.hidden = false;
  setTimeout(() => (box.hidden = true), 6000);
}

host.onMessage((message) => {
  if (message.type === 'error') return showError(message.message);
  view = message.state;
  render(view);
  persist();
});

// On the document, so the label keys work wherever focus is in the panel (after clicking Undo, say).
document.addEventListener('keydown', (event) => {
  if (!view) return;
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && (key === 'z' || key === 'y')) {
    event.preventDefault();
    host.post({ type: key === 'y' || event.shiftKey ? 'redo' : 'undo' });
    return;
  }
  if (mod || event.altKey) return;
  const offsets = selectionOffsets(textEl, view.text.length);
  if (event.key === 'Delete' || event.key === 'Backspace') {
    event.preventDefault();
    if (offsets) host.post({ type: 'remove', start: offsets.start, end: offsets.end });
    return;
  }
  const label = view.labels.find((l) => l.key === event.key);
  if (!label) return;
  event.preventDefault();
  if (view.stale) return showError('Re-anchor the stale annotations first.');
  if (!offsets) return showError('Select a word in the text first.');
  caretAfterUpdate = offsets.end;
  host.post({ type: 'label', start: offsets.start, end: offsets.end, label: label.name });
});

// The text is contenteditable only so that the keyboard can move the caret and select; it is never edited.
textEl.addEventListener('beforeinput', (event) => event.preventDefault());
textEl.addEventListener('drop', (event) => event.preventDefault());
textEl.addEventListener('compositionend', () => view && render(view));

el('undo').addEventListener('click', () => host.post({ type: 'undo' }));
el('redo').addEventListener('click', () => host.post({ type: 'redo' }));
el('reanchor').addEventListener('click', () => host.post({ type: 'reanchor' }));

let scrollTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(persist, 200);
});

if (view) {
  render(view);
  if (persisted?.scrollTop) requestAnimationFrame(() => window.scrollTo(0, persisted.scrollTop ?? 0));
}
persist();
host.post({ type: 'ready' });

function readPersisted(s: Record<string, unknown> | undefined): PersistedState | undefined {
  if (typeof s?.uri !== 'string') return undefined;
  return {
    uri: s.uri,
    view: isViewState(s.view) ? s.view : undefined,
    scrollTop: typeof s.scrollTop === 'number' ? s.scrollTop : undefined,
  };
}
