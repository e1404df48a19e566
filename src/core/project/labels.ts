// The labels of a project: project.json writes each as a plain name ("PER") or as {name, color, key}. A plain name
// gets its colour from a hash of the name, so it keeps that colour whatever other labels come and go (two names
// whose hashes meet are told apart by moving the later one on the palette), and the first key no label before it
// holds, so appending labels, as import does, never moves a key. An object may leave out its colour or key (each is
// then chosen as for a plain name) and may say what the label means, for people and for language-model prompts.

export interface LabelDefinition {
  name: string;
  /** #rrggbb */
  color: string;
  /** The key that applies the label in the annotation editor; empty once every key is taken. */
  key: string;
  /** One line on what the label covers ("people, including fictional characters"). */
  description?: string;
  /** Mentions that carry the label ("Ada Lovelace"). */
  examples?: string[];
}

/** A label as project.json writes it. */
export type LabelEntry = string | { name: string; color?: string; key?: string; description?: string; examples?: string[] };

export const DEFAULT_LABELS: readonly LabelDefinition[] = [
  { name: 'person', color: '#e6194b', key: '1' },
  { name: 'location', color: '#3cb44b', key: '2' },
  { name: 'corporation', color: '#4363d8', key: '3' },
  { name: 'product', color: '#f58231', key: '4' },
  { name: 'creative-work', color: '#911eb4', key: '5' },
  { name: 'group', color: '#008080', key: '6' },
];

/** Sasha Trubetskoy's 20 distinct colours, without white and black (readable on light and dark themes). */
export const LABEL_PALETTE: readonly string[] = [
  '#e6194b',
  '#3cb44b',
  '#ffe119',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#bfef45',
  '#fabed4',
  '#469990',
  '#dcbeff',
  '#9a6324',
  '#fffac8',
  '#800000',
  '#aaffc3',
  '#808000',
  '#ffd8b1',
  '#000075',
  '#a9a9a9',
];

export const LABEL_KEYS = '1234567890abcdefghijklmnopqrstuvwxyz';

/** Every entry with its colour and key; colours lowercased. */
export function resolveLabels(entries: readonly LabelEntry[]): LabelDefinition[] {
  const takenColors = new Set<string>();
  const takenKeys = new Set<string>();
  for (const entry of entries) {
    if (typeof entry === 'string') continue;
    if (entry.color !== undefined) takenColors.add(entry.color.toLowerCase());
    if (entry.key !== undefined) takenKeys.add(entry.key);
  }
  return entries.map((entry) => {
    const written = typeof entry === 'string' ? { name: entry } : entry;
    const color = written.color?.toLowerCase() ?? colorFor(written.name, takenColors);
    const key = written.key ?? [...LABEL_KEYS].find((k) => !takenKeys.has(k)) ?? '';
    takenColors.add(color);
    takenKeys.add(key);
    return {
      name: written.name,
      color,
      key,
      ...(written.description !== undefined ? { description: written.description } : {}),
      ...(written.examples !== undefined ? { examples: [...written.examples] } : {}),
    };
  });
}

function colorFor(name: string, taken: ReadonlySet<string>): string {
  const start = fnv1a(name) % LABEL_PALETTE.length;
  for (let i = 0; i < LABEL_PALETTE.length; i++) {
    const color = LABEL_PALETTE[(start + i) % LABEL_PALETTE.length];
    if (!taken.has(color)) return color;
  }
  return LABEL_PALETTE[start];
}

/** 32-bit FNV-1a over the UTF-16 code units: small, and the same on every platform and release. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
