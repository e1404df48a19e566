// The extension's settings (contributes.configuration in package.json), read in one place.
import * as vscode from 'vscode';
import { DEVICE_REQUESTS, type DeviceRequest } from '../core/engine/deviceNames.js';
import { PRECISIONS, type Precision } from '../core/graph/kernels.js';

export type DeviceSetting = DeviceRequest;

export interface PastaSettings {
  device: DeviceSetting;
  /** 0 lets the engine choose. */
  threads: number;
  batchSize: number;
  /** A local folder or a Hugging Face hub id. */
  baseModel: string;
  /** Label name -> #rrggbb, over the project's colours. */
  labelColors: Record<string, string>;
  /** The frozen base's matrix products when the editor predicts (highlighting and the review panel). */
  highlightPrecision: Precision;
}

const DEVICES: readonly DeviceSetting[] = DEVICE_REQUESTS;

export function readSettings(scope?: vscode.ConfigurationScope): PastaSettings {
  const c = vscode.workspace.getConfiguration('pasta', scope);
  const device = c.get<string>('device', 'auto');
  const precision = c.get<string>('highlightPrecision', 'fp32');
  const colors = c.get<Record<string, unknown>>('labelColors', {}) ?? {};
  return {
    device: (DEVICES as readonly string[]).includes(device) ? (device as DeviceSetting) : 'auto',
    threads: Math.max(0, Math.floor(c.get<number>('threads', 0))),
    batchSize: Math.max(1, Math.floor(c.get<number>('batchSize', 8))),
    baseModel: c.get<string>('baseModel', 'sentence-transformers/all-MiniLM-L6-v2'),
    highlightPrecision: (PRECISIONS as readonly string[]).includes(precision) ? (precision as Precision) : 'fp32',
    labelColors: Object.fromEntries(Object.entries(colors).filter((e): e is [string, string] => typeof e[1] === 'string' && /^#[0-9a-fA-F]{6}$/.test(e[1]))),
  };
}
