// Entity extraction from tag sequences, ported rule for rule from seqeval so that scores match it exactly:
// the default (conlleval-compatible, lenient) chunker of seqeval.metrics.sequence_labeling.get_entities,
// and the strict chunker of seqeval.scheme (Tokens/Entities with a scheme's prefix patterns).

/** One entity found in a tag sequence; `end` is exclusive. */
export interface TagEntity {
  sentence: number;
  label: string;
  start: number;
  end: number;
}

export type StrictScheme = 'IOB1' | 'IOE1' | 'IOB2' | 'IOE2' | 'IOBES' | 'BILOU';

/** Thrown when a tag cannot be read under the chosen scheme (seqeval raises ValueError/KeyError there). */
export class TagSchemeError extends Error {
  constructor(
    readonly sentence: number,
    readonly position: number,
    readonly tag: string,
    problem: string,
  ) {
    super(`sentence ${sentence}, token ${position}: tag "${tag}" ${problem}`);
    this.name = 'TagSchemeError';
  }
}

// ---------------------------------------------------------------------------------------------
// Default mode. seqeval flattens the sentences with an 'O' after each one and chunks the result,
// so the first sentence starts with prev_type '' while later ones start after an 'O' of type '_'.

export function defaultModeEntities(sentences: readonly (readonly string[])[]): TagEntity[] {
  const flat: string[] = [];
  const sentenceOf: number[] = [];
  const offsetOf: number[] = [];
  sentences.forEach((tags, s) => {
    tags.forEach((tag, i) => {
      if (tag.length === 0) throw new TagSchemeError(s, i, tag, 'is empty');
      flat.push(tag);
      sentenceOf.push(s);
      offsetOf.push(i);
    });
    flat.push('O');
    sentenceOf.push(s);
    offsetOf.push(tags.length);
  });
  flat.push('O');

  const entities: TagEntity[] = [];
  let prevTag = 'O';
  let prevType = '';
  let begin = 0;
  for (let i = 0; i < flat.length; i++) {
    const chunk = flat[i];
    const tag = chunk[0];
    const type = splitOnceAfterFirstChar(chunk) || '_';
    if (endOfChunk(prevTag, tag, prevType, type)) {
      entities.push({ sentence: sentenceOf[begin], label: prevType, start: offsetOf[begin], end: offsetOf[begin] + (i - begin) });
    }
    if (startOfChunk(prevTag, tag, prevType, type)) begin = i;
    prevTag = tag;
    prevType = type;
  }
  return entities;
}

// Python: chunk[1:].split('-', maxsplit=1)[-1]
function splitOnceAfterFirstChar(chunk: string): string {
  const rest = chunk.slice(1);
  const dash = rest.indexOf('-');
  return dash < 0 ? rest : rest.slice(dash + 1);
}

function endOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (prevTag === 'E' || prevTag === 'S') return true;
  if ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'S' || tag === 'O')) return true;
  return prevTag !== 'O' && prevTag !== '.' && prevType !== type;
}

function startOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (tag === 'B' || tag === 'S') return true;
  if ((prevTag === 'E' || prevTag === 'S' || prevTag === 'O') && (tag === 'E' || tag === 'I')) return true;
  return tag !== 'O' && tag !== '.' && prevType !== type;
}

// ---------------------------------------------------------------------------------------------
// Strict mode: a token is a prefix (I O B E S U L) and a type; a scheme is three sets of patterns
// (previous prefixes, current prefixes, same/different type) for start, inside and end.

type Prefix = 'I' | 'O' | 'B' | 'E' | 'S' | 'U' | 'L';
const PREFIXES = new Set<string>(['I', 'O', 'B', 'E', 'S', 'U', 'L']);
type TypeCondition = 'same' | 'diff' | 'any';
/** [previous prefixes, current prefixes, type condition]; '*' is any prefix. */
type Pattern = readonly [string, string, TypeCondition];

interface SchemeRules {
  allowed: string;
  start: readonly Pattern[];
  inside: readonly Pattern[];
  end: readonly Pattern[];
}

const ANY = 'IOBESUL';

const SCHEMES: Record<StrictScheme, SchemeRules> = {
  IOB1: {
    allowed: 'IOB',
    start: [
      ['O', 'I', 'any'],
      ['I', 'I', 'diff'],
      ['B', 'I', 'any'],
      ['I', 'B', 'same'],
      ['B', 'B', 'same'],
    ],
    inside: [
      ['B', 'I', 'same'],
      ['I', 'I', 'same'],
    ],
    end: [
      ['I', 'I', 'diff'],
      ['I', 'O', 'any'],
      ['I', 'B', 'any'],
      ['B', 'O', 'any'],
      ['B', 'I', 'diff'],
      ['B', 'B', 'same'],
    ],
  },
  IOE1: {
    allowed: 'IOE',
    start: [
      ['O', 'I', 'any'],
      ['I', 'I', 'diff'],
      ['E', 'I', 'any'],
      ['E', 'E', 'same'],
    ],
    inside: [
      ['I', 'I', 'same'],
      ['I', 'E', 'same'],
    ],
    end: [
      ['I', 'I', 'diff'],
      ['I', 'O', 'any'],
      ['I', 'E', 'diff'],
      ['E', 'I', 'same'],
      ['E', 'E', 'same'],
    ],
  },
  IOB2: {
    allowed: 'IOB',
    start: [[ANY, 'B', 'any']],
    inside: [
      ['B', 'I', 'same'],
      ['I', 'I', 'same'],
    ],
    end: [
      ['I', 'O', 'any'],
      ['I', 'I', 'diff'],
      ['I', 'B', 'any'],
      ['B', 'O', 'any'],
      ['B', 'I', 'diff'],
      ['B', 'B', 'any'],
    ],
  },
  IOE2: {
    allowed: 'IOE',
    start: [
      ['O', 'I', 'any'],
      ['O', 'E', 'any'],
      ['E', 'I', 'any'],
      ['E', 'E', 'any'],
      ['I', 'I', 'diff'],
      ['I', 'E', 'diff'],
    ],
    inside: [
      ['I', 'E', 'same'],
      ['I', 'I', 'same'],
    ],
    end: [['E', ANY, 'any']],
  },
  IOBES: {
    allowed: 'IOBES',
    start: [
      [ANY, 'B', 'any'],
      [ANY, 'S', 'any'],
    ],
    inside: [
      ['B', 'I', 'same'],
      ['B', 'E', 'same'],
      ['I', 'I', 'same'],
      ['I', 'E', 'same'],
    ],
    end: [
      ['S', ANY, 'any'],
      ['E', ANY, 'any'],
    ],
  },
  BILOU: {
    allowed: 'BILOU',
    start: [
      [ANY, 'B', 'any'],
      [ANY, 'U', 'any'],
    ],
    inside: [
      ['B', 'I', 'same'],
      ['B', 'L', 'same'],
      ['I', 'I', 'same'],
      ['I', 'L', 'same'],
    ],
    end: [
      ['U', ANY, 'any'],
      ['L', ANY, 'any'],
    ],
  },
};

interface StrictToken {
  prefix: Prefix;
  type: string;
}

const OUTSIDE: StrictToken = { prefix: 'O', type: '_' };

function readStrictToken(tag: string, sentence: number, position: number): StrictToken {
  const prefix = tag[0];
  if (prefix === undefined || !PREFIXES.has(prefix)) {
    throw new TagSchemeError(sentence, position, tag, 'has no I/O/B/E/S/U/L prefix');
  }
  // Python: token[1:].strip('-') or '_'
  return { prefix: prefix as Prefix, type: tag.slice(1).replace(/^-+|-+$/g, '') || '_' };
}

function matches(prev: StrictToken, current: StrictToken, patterns: readonly Pattern[]): boolean {
  for (const [prevPrefixes, currentPrefixes, condition] of patterns) {
    if (!prevPrefixes.includes(prev.prefix) || !currentPrefixes.includes(current.prefix)) continue;
    if (condition === 'any') return true;
    if (condition === 'same' && prev.type === current.type) return true;
    if (condition === 'diff' && prev.type !== current.type) return true;
  }
  return false;
}

export function strictModeEntities(sentences: readonly (readonly string[])[], scheme: StrictScheme): TagEntity[] {
  const rules = SCHEMES[scheme];
  const entities: TagEntity[] = [];
  sentences.forEach((tags, sentence) => {
    const tokens = tags.map((tag, i) => readStrictToken(tag, sentence, i));
    const extended = [...tokens, OUTSIDE];
    const forward = (from: number, prev: StrictToken): number => {
      for (let i = from; i < extended.length; i++) {
        if (matches(prev, extended[i], rules.inside)) prev = extended[i];
        else return i;
      }
      return tokens.length - 1;
    };
    let i = 0;
    let prev = OUTSIDE;
    while (i < extended.length) {
      const token = extended[i];
      if (!rules.allowed.includes(token.prefix)) {
        throw new TagSchemeError(sentence, i, tags[i], `has a prefix that ${scheme} does not allow (${[...rules.allowed].join(', ')})`);
      }
      if (matches(prev, token, rules.start)) {
        const end = forward(i + 1, token);
        if (matches(extended[end - 1], extended[end], rules.end)) {
          entities.push({ sentence, label: token.type, start: i, end });
        }
        i = end;
      } else {
        i += 1;
      }
      prev = extended[i - 1];
    }
  });
  return entities;
}
