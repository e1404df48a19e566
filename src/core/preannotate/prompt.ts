// The request a language model answers: the project's labels (with their descriptions and examples) and one part of
// a file, asking for the entities as JSON in the shape answer.ts validates.
import type { LabelDefinition } from '../project/labels.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The labels as the prompt lists them: "- person: people, including fictional ones (e.g. "Ada Lovelace")". */
export function describeLabels(labels: readonly LabelDefinition[]): string {
  return labels
    .map((label) => {
      const examples = label.examples?.length ? ` (e.g. ${label.examples.map((e) => JSON.stringify(e)).join(', ')})` : '';
      return `- ${label.name}${label.description ? `: ${label.description}` : ''}${examples}`;
    })
    .join('\n');
}

const INSTRUCTIONS = [
  'You annotate named entities in text. Use only these labels:',
  '{labels}',
  '',
  'Answer with one JSON object and nothing else: {"entities": [{"text": ..., "label": ...}, ...]}.',
  '"text" is the entity copied exactly, character for character, from the text (same case, same spelling, no added or removed words).',
  'An entity without more fields stands for every place its text occurs as whole words.',
  'When the same text occurs several times and only some of those places are entities, give one item per place meant,',
  'each with "occurrence": n (1 for the first place the text occurs, 2 for the second, ...).',
  'Entities do not overlap. When there are none, answer {"entities": []}.',
].join('\n');

/** The messages asking for the entities of `text`. */
export function preannotationMessages(labels: readonly LabelDefinition[], text: string): ChatMessage[] {
  return [
    { role: 'system', content: INSTRUCTIONS.replace('{labels}', describeLabels(labels)) },
    { role: 'user', content: `Text:\n${text}` },
  ];
}
