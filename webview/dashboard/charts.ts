// The two charts: training loss per step and dev F1 per epoch. Chart.js draws on canvas (no eval, no injected
// styles), so it runs under the webview's strict CSP; only the parts used are registered to keep the bundle small.
import { Chart, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { EpochRow, LossPoint } from '../../src/protocol/dashboard.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip);

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function lineChart(
  canvas: HTMLCanvasElement,
  label: string,
  colorVar: string,
  xTitle: string,
  yMax?: number,
): Chart<'line', { x: number; y: number | null }[]> {
  const color = themeColor(colorVar, '#3794ff');
  const text = themeColor('--vscode-descriptionForeground', '#888');
  const grid = themeColor('--vscode-widget-border', 'rgba(128,128,128,0.2)') || 'rgba(128,128,128,0.2)';
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [{ label, data: [], borderColor: color, backgroundColor: color, borderWidth: 1.5, pointRadius: 0, spanGaps: false }] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: xTitle, color: text }, ticks: { color: text, precision: 0 }, grid: { color: grid } },
        y: { type: 'linear', min: 0, max: yMax, ticks: { color: text }, grid: { color: grid } },
      },
      plugins: { tooltip: { enabled: true } },
    },
  });
}

const finiteOrGap = (x: number | null) => (typeof x === 'number' && Number.isFinite(x) ? x : null);

export class TrainingCharts {
  private readonly loss: Chart<'line', { x: number; y: number | null }[]>;
  private readonly f1: Chart<'line', { x: number; y: number | null }[]>;

  constructor(lossCanvas: HTMLCanvasElement, f1Canvas: HTMLCanvasElement) {
    this.loss = lineChart(lossCanvas, 'training loss', '--vscode-charts-blue', 'step');
    this.f1 = lineChart(f1Canvas, 'dev F1 (%)', '--vscode-charts-green', 'epoch', 100);
  }

  update(losses: LossPoint[], epochs: EpochRow[]): void {
    this.loss.data.datasets[0].data = losses.map((p) => ({ x: p.step, y: finiteOrGap(p.loss) }));
    const f1 = this.f1.data.datasets[0];
    f1.data = epochs.map((e) => ({ x: e.epoch, y: finiteOrGap(e.f1) === null ? null : 100 * e.f1 }));
    // Points on the F1 chart: there is one per epoch, and the best one stands out.
    f1.pointRadius = epochs.map((e) => (e.best ? 5 : 3));
    this.loss.update('none');
    this.f1.update('none');
  }
}
