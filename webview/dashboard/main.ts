// The training dashboard inside the webview: loss per step and dev F1 per epoch, the per-label scores of the
// latest and the best epoch, speed, ETA and device. The extension owns the run; this app draws what it is sent
// and keeps the last run with setState, so hiding, showing and reloading redraw at once.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { bestRow, type HostToWebview, isRunView, parseHostMessage, type RunView, type WebviewToHost } from '../../src/protocol/dashboard.js';
import { ExtensionHost } from '../shared/extensionHost.js';
import { TrainingCharts } from './charts.js';
import { count, duration, fixed, percent } from './format.js';
import { scoresTable } from './tables.js';

/** What survives hiding the panel and reloading the window. */
interface PersistedState {
  run?: RunView;
}

const host = new ExtensionHost<WebviewToHost, HostToWebview, PersistedState>('dashboard', parseHostMessage);
const app = document.getElementById('app')!;

app.innerHTML = `
  <header class="toolbar">
    <h1 id="title">PASTA training</h1>
    <span class="status" id="status"></span>
    <vscode-button id="cancel" secondary hidden title="Stop after the current step; the last epoch checkpoint is kept">Stop training</vscode-button>
  </header>
  <p class="empty" id="empty">No training run yet. Run <strong>PASTA: Train Adapter</strong> from the Command Palette.</p>
  <div id="run" hidden>
    <div class="banner" id="message" role="status" hidden></div>
    <dl class="stats" id="stats"></dl>
    <p class="note" id="fallback" hidden></p>
    <div class="charts">
      <figure><figcaption>Training loss per step</figcaption><div class="chart"><canvas id="loss-chart" aria-label="Training loss per step"></canvas></div></figure>
      <figure><figcaption>Dev F1 per epoch (%)</figcaption><div class="chart"><canvas id="f1-chart" aria-label="Dev F1 per epoch"></canvas></div></figure>
    </div>
    <div class="tables">
      <section><h2 id="latest-title">Latest epoch</h2><div id="latest"></div></section>
      <section><h2 id="best-title">Best epoch</h2><div id="best"></div></section>
    </div>
  </div>`;

const el = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const charts = new TrainingCharts(el<HTMLCanvasElement>('loss-chart'), el<HTMLCanvasElement>('f1-chart'));
let shown: RunView | undefined;

function stat(term: string, value: string, title?: string): HTMLElement[] {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  if (title) dd.title = title;
  return [dt, dd];
}

const DROPOUT_TEXT: Record<string, string> = {
  none: 'No dropout',
  pasta: 'Dropout on the PASTA vectors and the head input',
  all: "Dropout on the PASTA vectors, the head input and inside the encoder (PyTorch's model.train())",
};

const STATUS_TEXT: Record<RunView['status'], string> = { running: 'training', done: 'finished', cancelled: 'cancelled', failed: 'failed' };

function render(run: RunView | undefined): void {
  el('empty').hidden = run !== undefined;
  el('run').hidden = run === undefined;
  el('cancel').hidden = run?.status !== 'running';
  if (!run) {
    el('title').textContent = 'PASTA training';
    el('status').textContent = '';
    return;
  }
  el('title').textContent = `Training ${run.adapterName}`;
  const status = el('status');
  status.textContent = STATUS_TEXT[run.status];
  status.dataset.status = run.status;

  const message = el('message');
  message.hidden = !run.message;
  message.textContent = run.message ?? '';
  message.dataset.status = run.status;

  const latest = run.latest;
  const best = bestRow(run);
  const device = run.device ? (run.fallbackReason ? `${run.device} (fallback)` : run.device) : '–';
  const fallback = el('fallback');
  fallback.hidden = !run.fallbackReason;
  fallback.textContent = run.fallbackReason ? `Runs on ${run.device ?? 'cpu'} instead of ${run.fallbackReason}` : '';
  el('stats').replaceChildren(
    ...stat('device', device, run.fallbackReason ?? (run.autoReason && `No GPU: ${run.autoReason}`)),
    ...stat('precision', run.precision ?? '–', run.precisionReason),
    ...stat('step', latest ? `${count(latest.step)} / ${count(run.totalSteps)}` : `– / ${count(run.totalSteps)}`),
    ...stat('epoch', latest ? String(latest.epoch) : '–'),
    ...stat('loss', fixed(run.losses.at(-1)?.loss, 4)),
    ...stat('tokens/s', count(latest?.tokensPerSecond)),
    ...stat('ETA', run.status === 'running' ? duration(latest?.etaSeconds) : '–'),
    ...stat('best dev F1', best ? `${percent(best.f1)} (epoch ${best.epoch})` : '–'),
    ...stat('examples', `${count(run.trainExamples)} train · ${count(run.devExamples)} dev`),
    ...(run.dropout ? stat('dropout', run.dropout, DROPOUT_TEXT[run.dropout]) : []),
    ...(run.resumedFromEpoch ? stat('resumed after epoch', String(run.resumedFromEpoch)) : []),
  );

  charts.update(run.losses, run.epochs);

  const last = run.epochs.at(-1);
  el('latest-title').textContent = last ? `Latest epoch (${last.epoch})` : 'Latest epoch';
  el('latest').replaceChildren(last ? scoresTable(last, run.task) : placeholder('after the first epoch'));
  el('best-title').textContent = best ? `Best epoch (${best.epoch})` : 'Best epoch';
  el('best').replaceChildren(best ? scoresTable(best, run.task) : placeholder('after the first epoch'));
}

function placeholder(when: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'placeholder';
  p.textContent = `Dev scores appear ${when}.`;
  return p;
}

function show(run: RunView | undefined): void {
  shown = run;
  const state: PersistedState = run ? { run } : {};
  host.saveState(state);
  render(run);
}

host.onMessage((message) => {
  // null: this window has no run of its own; keep the one restored from state.
  show(message.run ?? shown);
});

el('cancel').addEventListener('click', () => host.post({ type: 'cancel' }));

const savedRun = host.savedState()?.run;
show(isRunView(savedRun) ? savedRun : undefined);
host.post({ type: 'ready' });
