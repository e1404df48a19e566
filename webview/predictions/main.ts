// The predictions review panel inside the webview: the file's predicted spans, sorted by position or by
// confidence, each accepted or rejected; the extension owns the predictions and the annotations.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import './predictions.css';
import { type HostToWebview, type PredictionsViewState, type WebviewToHost, isViewState, parseHostMessage } from '../../src/protocol/predictions.js';
import { ExtensionHost } from '../shared/extensionHost.js';
import { renderItems, type SortOrder, sortItems } from './render.js';

/** What survives hiding the panel and reloading the window. */
interface PersistedState {
  uri: string;
  view?: PredictionsViewState;
  sort: SortOrder;
}

const ACCEPT_ALL_THRESHOLD = 0.9;

const host = new ExtensionHost<WebviewToHost, HostToWebview, PersistedState>('predictions', parseHostMessage);
const app = document.getElementById('app')!;
const persisted = readPersisted(host.savedState());
const uri = app.dataset.uri ?? persisted?.uri ?? '';
let view: PredictionsViewState | undefined = persisted?.uri === uri ? persisted.view : undefined;
let sort: SortOrder = persisted?.sort ?? 'position';

app.innerHTML = `
  <header class="toolbar pinned">
    <span class="file" id="file"></span>
    <span class="summary" id="summary"></span>
    <label class="sort">Sort
      <select id="sort">
        <option value="position">by position</option>
        <option value="confidence">by confidence (lowest first)</option>
      </select>
    </label>
    <vscode-button id="accept-above" title="Accept every prediction with a confidence of ${ACCEPT_ALL_THRESHOLD} or more (never over an annotation)">Accept all above ${ACCEPT_ALL_THRESHOLD}</vscode-button>
    <vscode-button id="next" secondary title="Open the workspace text file whose predictions are least confident (lowest mean span confidence) among files not annotated yet">Next most uncertain document</vscode-button>
    <vscode-button id="refresh" secondary title="Predict this file again">Refresh</vscode-button>
  </header>
  <div class="banner info" id="status" role="status" hidden></div>
  <div class="banner error" id="error" role="alert" hidden></div>
  <ol class="items" id="items" aria-label="Predicted entities"></ol>
  <p class="empty" id="empty" hidden>No predictions left to review in this file.</p>
`;

const el = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const sortSelect = el<HTMLSelectElement>('sort');
sortSelect.value = sort;

function persist(): void {
  const state: PersistedState = { uri, view, sort };
  host.saveState(state);
}

function render(state: PredictionsViewState): void {
  el('file').textContent = state.file;
  el('summary').textContent = [
    state.adapter ? `adapter ${state.adapter}` : undefined,
    state.suggestedBy,
    `${state.items.length} to review`,
    `${state.annotated} annotated`,
    state.rejected ? `${state.rejected} rejected` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  const status = el('status');
  status.hidden = state.status === 'ready';
  status.className = `banner ${state.status === 'error' ? 'error' : state.status === 'predicting' ? 'info' : 'warning'}`;
  status.textContent = state.status === 'predicting' ? (state.message ?? 'Predicting…') : (state.message ?? '');
  const reviewable = state.status === 'ready';
  el('accept-above').toggleAttribute('disabled', !reviewable || !state.items.some((i) => i.confidence >= ACCEPT_ALL_THRESHOLD));
  el('next').toggleAttribute('disabled', state.status === 'restricted' || state.status === 'no-adapter');
  renderItems(el('items'), reviewable ? sortItems(state.items, sort) : [], state.labels, {
    accept: (i) => host.post({ type: 'accept', start: i.start, end: i.end, label: i.label }),
    reject: (i) => host.post({ type: 'reject', start: i.start, end: i.end, label: i.label }),
    reveal: (i) => host.post({ type: 'reveal', start: i.start, end: i.end }),
  });
  el('empty').hidden = !(reviewable && state.items.length === 0);
}

function showBanner(id: 'error' | 'status', message: string): void {
  const box = el(id);
  box.textContent = message;
  box.hidden = false;
  if (id === 'error') setTimeout(() => (box.hidden = true), 8000);
}

host.onMessage((message) => {
  if (message.type === 'error') return showBanner('error', message.message);
  if (message.type === 'notice') return showBanner('status', message.message);
  view = message.state;
  render(view);
  persist();
});

sortSelect.addEventListener('change', () => {
  sort = sortSelect.value === 'confidence' ? 'confidence' : 'position';
  if (view) render(view);
  persist();
});
el('accept-above').addEventListener('click', () => host.post({ type: 'acceptAbove', threshold: ACCEPT_ALL_THRESHOLD }));
el('next').addEventListener('click', () => host.post({ type: 'nextUncertain' }));
el('refresh').addEventListener('click', () => host.post({ type: 'refresh' }));

if (view) render(view);
persist();
host.post({ type: 'ready' });

function readPersisted(s: Record<string, unknown> | undefined): PersistedState | undefined {
  if (typeof s?.uri !== 'string') return undefined;
  return { uri: s.uri, view: isViewState(s.view) ? s.view : undefined, sort: s.sort === 'confidence' ? 'confidence' : 'position' };
}
