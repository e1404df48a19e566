// Per-label precision / recall / F1 / support as an aligned text table.
import type { DevScores } from '../core/pasta/tasks.js';

export function formatScores(scores: DevScores): string {
  const rows: [string, string, string, string, string][] = [['label', 'precision', 'recall', 'f1', 'support']];
  const pct = (x: number) => (100 * x).toFixed(1);
  for (const [label, s] of Object.entries(scores.perLabel)) rows.push([label, pct(s.precision), pct(s.recall), pct(s.f1), String(s.support)]);
  const support = Object.values(scores.perLabel).reduce((n, s) => n + s.support, 0);
  rows.push(['micro avg', pct(scores.precision), pct(scores.recall), pct(scores.f1), String(support)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}\n`).join('');
}
