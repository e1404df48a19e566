// Documents, spans and classification records: the unit every store, format and trainer exchanges.
// Offsets are UTF-16 code unit offsets into `text` (JavaScript string indices, as VS Code positions use).

export interface Span {
  start: number;
  end: number;
  label: string;
}

export interface NerDocument {
  /** Stable id: a workspace-relative path, a dataset line number, or a generated id. */
  id: string;
  text: string;
  spans: Span[];
}

export interface ClassificationRecord {
  id: string;
  text: string;
  /** The second text of a sentence pair (Hugging Face's `text_pair`), encoded as [CLS] text [SEP] textPair [SEP]. */
  textPair?: string;
  label: string;
}

/** Where a record came from, so that every error can name the file and the line. */
export interface SourceLocation {
  file: string;
  /** 1-based line number. */
  line: number;
}

/** A user-facing input error: one line naming the file, the line and the problem. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'InputError';
  }
}
