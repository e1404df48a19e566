import type * as vscode from 'vscode';
import type { PredictedSpan } from '../../core/prediction/predictor.js';
import type { PredictionService } from './predictionService.js';
import { lineUnits } from '../../core/prediction/textUnits.js';

/** Predicts entities in whole texts (files) with the active adapter, all lines in one batch: spans with offsets into each text. */
export async function predictTexts(
  service: PredictionService,
  folder: vscode.WorkspaceFolder,
  texts: readonly string[],
): Promise<{ adapter: string; spans: PredictedSpan[][] }> {
  const units = texts.map(lineUnits);
  const result = await service.predict(
    folder,
    units.flatMap((us, t) => us.map((u) => texts[t].slice(u.start, u.end))),
  );
  let k = 0;
  const spans = units.map((us) => us.flatMap((u) => result.spans[k++].map((s) => ({ ...s, start: s.start + u.start, end: s.end + u.start }))));
  return { adapter: result.adapter, spans };
}
