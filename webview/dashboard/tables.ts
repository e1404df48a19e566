// Per-label precision, recall, F1 and support of one epoch, with the overall (micro or macro) row last.
import type { EpochRow } from '../../src/protocol/dashboard.js';
import { count, percent } from './format.js';

function cell(tag: 'td' | 'th', text: string, numeric = false): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = text;
  if (numeric) el.className = 'num';
  return el;
}

function row(cells: HTMLElement[], className?: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  if (className) tr.className = className;
  tr.append(...cells);
  return tr;
}

export function scoresTable(epoch: EpochRow, task: 'token' | 'sequence' | undefined): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'scores';
  const head = document.createElement('thead');
  head.append(row([cell('th', 'label'), cell('th', 'precision', true), cell('th', 'recall', true), cell('th', 'F1', true), cell('th', 'support', true)]));
  const body = document.createElement('tbody');
  const labels = Object.keys(epoch.perLabel).sort();
  let support = 0;
  for (const label of labels) {
    const s = epoch.perLabel[label];
    support += typeof s.support === 'number' ? s.support : 0;
    body.append(
      row([
        cell('td', label),
        cell('td', percent(s.precision), true),
        cell('td', percent(s.recall), true),
        cell('td', percent(s.f1), true),
        cell('td', count(s.support), true),
      ]),
    );
  }
  const overall = task === 'sequence' ? 'macro avg' : 'micro avg';
  body.append(
    row(
      [
        cell('td', overall),
        cell('td', percent(epoch.precision), true),
        cell('td', percent(epoch.recall), true),
        cell('td', percent(epoch.f1), true),
        cell('td', count(support), true),
      ],
      'total',
    ),
  );
  table.append(head, body);
  return table;
}
