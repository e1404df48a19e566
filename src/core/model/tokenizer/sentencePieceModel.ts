// A SentencePiece model file (spm.model, sentencepiece.bpe.model: a serialised sentencepiece.ModelProto): its
// pieces with their scores and types, and the trainer and normalizer settings transformers' converters read.
// The wire format is read by protobufjs' Reader (shipped already, under onnx-proto's ONNX classes); the few
// fields needed are picked here by their numbers in sentencepiece_model.proto.

import { Reader } from 'protobufjs/minimal';
import { InputError } from '../../data/types';
import { MAX_TOKEN_ID } from './tokenizerJson';

/** sentencepiece_model.proto's SentencePiece.Type. */
export const PieceType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

/** TrainerSpec.ModelType. */
const MODEL_TYPES = ['', 'UNIGRAM', 'BPE', 'WORD', 'CHAR'];

export interface SentencePiece {
  piece: string;
  score: number;
  type: number;
}

export interface SentencePieceModel {
  file: string;
  pieces: SentencePiece[];
  trainerSpec: { modelType: number; unkId: number; byteFallback: boolean };
  normalizerSpec: { name: string; precompiledCharsmap: Uint8Array; addDummyPrefix: boolean; removeExtraWhitespaces: boolean };
}

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** Walks the fields of the message that ends at `end`; `visit` reads the ones it knows and returns false for the rest. */
function readMessage(reader: Reader, end: number, visit: (field: number, wireType: number) => boolean): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 0) throw new Error(`field number 0 at byte ${reader.pos}`);
    if (!visit(tag >>> 3, tag & 7)) reader.skipType(tag & 7);
  }
  if (reader.pos !== end) throw new RangeError(`a field runs past the end of its message (byte ${reader.pos} of ${end})`);
}

export function parseSentencePieceModel(bytes: Uint8Array, file: string): SentencePieceModel {
  const model: SentencePieceModel = {
    file,
    pieces: [],
    trainerSpec: { modelType: 1, unkId: 0, byteFallback: false },
    normalizerSpec: { name: '', precompiledCharsmap: new Uint8Array(0), addDummyPrefix: true, removeExtraWhitespaces: true },
  };
  const fail = (where: string, problem: string): never => {
    throw new InputError(file, undefined, `${where}: ${problem}`);
  };
  /** The field being read, named in the error if the bytes run out. */
  let current = 'the file';
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const reader = Reader.create(bytes);
  const read = <T>(wireType: number, wanted: number, field: string, value: () => T): T => {
    current = field;
    if (wireType !== wanted) fail(field, `wire type ${wireType} where the schema has ${wanted} (not a SentencePiece model?)`);
    return value();
  };
  const text = (): string => {
    const raw = reader.bytes();
    try {
      return utf8.decode(raw);
    } catch {
      return fail(current, 'not valid UTF-8');
    }
  };
  const nested = (wireType: number, field: string, visit: (field: number, wireType: number) => boolean): void => {
    const length = read(wireType, LENGTH_DELIMITED, field, () => reader.uint32());
    readMessage(reader, reader.pos + length, visit);
  };

  try {
    readMessage(reader, bytes.length, (field, wireType) => {
      if (field === 1) {
        const piece: SentencePiece = { piece: '', score: 0, type: PieceType.NORMAL };
        const at = `pieces[${model.pieces.length}]`;
        nested(wireType, at, (f, w) => {
          if (f === 1) piece.piece = read(w, LENGTH_DELIMITED, `${at}.piece`, text);
          else if (f === 2) piece.score = read(w, FIXED32, `${at}.score`, () => reader.float());
          else if (f === 3) piece.type = read(w, VARINT, `${at}.type`, () => reader.int32());
          else return false;
          return true;
        });
        model.pieces.push(piece);
      } else if (field === 2) {
        const spec = model.trainerSpec;
        nested(wireType, 'trainer_spec', (f, w) => {
          if (f === 3) spec.modelType = read(w, VARINT, 'trainer_spec.model_type', () => reader.int32());
          else if (f === 35) spec.byteFallback = read(w, VARINT, 'trainer_spec.byte_fallback', () => reader.bool());
          else if (f === 40) spec.unkId = read(w, VARINT, 'trainer_spec.unk_id', () => reader.int32());
          else return false;
          return true;
        });
      } else if (field === 3) {
        const spec = model.normalizerSpec;
        nested(wireType, 'normalizer_spec', (f, w) => {
          if (f === 1) spec.name = read(w, LENGTH_DELIMITED, 'normalizer_spec.name', text);
          else if (f === 2) spec.precompiledCharsmap = read(w, LENGTH_DELIMITED, 'normalizer_spec.precompiled_charsmap', () => reader.bytes());
          else if (f === 3) spec.addDummyPrefix = read(w, VARINT, 'normalizer_spec.add_dummy_prefix', () => reader.bool());
          else if (f === 4) spec.removeExtraWhitespaces = read(w, VARINT, 'normalizer_spec.remove_extra_whitespaces', () => reader.bool());
          else return false;
          return true;
        });
      } else {
        current = `field ${field}`;
        return false;
      }
      return true;
    });
  } catch (error) {
    if (error instanceof InputError) throw error;
    fail(current, `truncated or not a SentencePiece model (${(error as Error).message})`);
  }
  checkModel(model, fail);
  return model;
}

function checkModel({ pieces, trainerSpec }: SentencePieceModel, fail: (where: string, problem: string) => never): void {
  if (pieces.length === 0) fail('pieces', 'none (not a SentencePiece model?)');
  if (pieces.length > MAX_TOKEN_ID) fail('pieces', `more than ${MAX_TOKEN_ID}`);
  const seen = new Map<string, number>();
  pieces.forEach(({ piece, score, type }, i) => {
    if (piece === '') fail(`pieces[${i}].piece`, 'empty');
    if (!Number.isFinite(score)) fail(`pieces[${i}].score`, `expected a finite score, found ${score}`);
    if (type < PieceType.NORMAL || type > PieceType.BYTE) fail(`pieces[${i}].type`, `unknown piece type ${type}`);
    const first = seen.get(piece);
    if (first !== undefined) fail(`pieces[${i}].piece`, `${JSON.stringify(piece)} is pieces[${first}] already`);
    seen.set(piece, i);
  });
  if (trainerSpec.modelType !== 1) {
    const name = MODEL_TYPES[trainerSpec.modelType] || `model type ${trainerSpec.modelType}`;
    fail('trainer_spec.model_type', `${name} SentencePiece models are not supported (supported: UNIGRAM)`);
  }
  if (trainerSpec.unkId < 0 || trainerSpec.unkId >= pieces.length) {
    fail('trainer_spec.unk_id', `${trainerSpec.unkId} is not a piece (the model has ${pieces.length})`);
  }
}
