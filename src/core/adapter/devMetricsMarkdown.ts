// An adapter's dev metrics as a Markdown table, for the model cards of packaged adapters and exported models.
import type { AdapterConfig } from './adapterConfig.js';
import { isObject } from '../util/isObject.js';

type Scores = { precision?: unknown; recall?: unknown; f1?: unknown; support?: unknown };

const pct = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? (100 * v).toFixed(1) : '–');
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '–');
/** Markdown table cells: a label name may hold '|'. */
const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The table's lines (per label and the micro or macro average, in %), then a line of notes where there are any. */
export function devMetricsMarkdown(config: AdapterConfig): string[] {
  const dev = config.metrics.dev;
  if (!isObject(dev)) return ['No dev metrics were recorded (the adapter was trained without a dev split).'];
  const overallKey = config.task_type === 'SEQ_CLS' ? 'macro' : 'overall';
  const overall = (isObject(dev[overallKey]) ? dev[overallKey] : {}) as Scores;
  const rows = Object.entries(dev).filter(([k, v]) => isObject(v) && k !== overallKey && 'f1' in v) as [string, Scores][];
  const lines = ['| label | precision | recall | F1 | support |', '|---|---:|---:|---:|---:|'];
  for (const [label, s] of rows.sort(([a], [b]) => a.localeCompare(b)))
    lines.push(`| ${cell(label)} | ${pct(s.precision)} | ${pct(s.recall)} | ${pct(s.f1)} | ${num(s.support)} |`);
  lines.push(
    `| **${config.task_type === 'SEQ_CLS' ? 'macro avg' : 'micro avg'}** | **${pct(overall.precision)}** | **${pct(overall.recall)}** | **${pct(overall.f1)}** | |`,
  );
  const notes: string[] = [];
  if (typeof dev.accuracy === 'number') notes.push(`Accuracy ${pct(dev.accuracy)}%.`);
  if (typeof config.metrics.best_epoch === 'number') notes.push(`Best epoch ${config.metrics.best_epoch} of ${num(config.metrics.epochs_run)} run.`);
  return [...lines, '', ...(notes.length > 0 ? [notes.join(' ')] : [])];
}
