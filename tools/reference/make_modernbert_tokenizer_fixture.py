"""Writes test/fixtures/tokenizers/bpe-modernbert: a small tokenizer with the structure of answerdotai/ModernBERT-base's.

ModernBERT's tokenizer.json (OLMo's GPT-NeoX-style byte-level BPE, retrained) cannot be fetched here, so this trains a
small byte-level BPE on the same text as the other fixtures and gives it ModernBERT's parts, as its tokenizer.json and
tokenizer_config.json (added_tokens_decoder) have them:
  - normalizer NFC; pre-tokenizer ByteLevel (add_prefix_space false, trim_offsets true, use_regex true); decoder ByteLevel;
  - model BPE with no unk_token, no fuse_unk and no byte_fallback;
  - post-processor TemplateProcessing [CLS] $A [SEP] (pair: [CLS] $A [SEP] $B:1 [SEP]:1), which, unlike RoBERTa's
    ByteLevel / RobertaProcessing, does not trim the offsets of "Ġword" tokens to the word;
  - added tokens in ModernBERT's order and with its flags: |||IP_ADDRESS||| (id 0, normalized, not special) and
    <|padding|> (id 1, special) in the vocabulary; runs of 24 down to 2 spaces, |||EMAIL_ADDRESS|||,
    |||PHONE_NUMBER||| (normalized, not special) and <|endoftext|> (special) at the end of the vocabulary; then [UNK],
    [CLS], [SEP], [PAD], [MASK] (special; [MASK] with lstrip) and [unused0]..[unused82] (normalized, not special).

Besides expected.json for the shared cases, special-cases.json holds Python's answers for texts that exercise those
added tokens. transformers (AutoTokenizer, PreTrainedTokenizerFast as tokenizer_config.json names) must encode the
folder identically; the script checks it.

Run on demand (no torch needed), after make_tokenizer_fixtures.py:
    ~/.cache/pasta-studio/tokenizer-venv/bin/python tools/reference/make_modernbert_tokenizer_fixture.py
"""

import json

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

from make_tokenizer_fixtures import OUT, WNUT, check_transformers_twin, fresh, read_wnut_sentences, record, write_json
from make_sentencepiece_fixtures import SAMPLES, read_cases

IN_VOCAB = ["|||IP_ADDRESS|||", "<|padding|>"]
SPACES = [" " * n for n in range(24, 1, -1)]
SPECIALS = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]
UNUSED = [f"[unused{i}]" for i in range(83)]

SPECIAL_CASES = [
    "hi [MASK] there",
    "hi   [MASK][MASK] there",
    "[CLS] a [SEP] b [PAD] [UNK]",
    "mail |||EMAIL_ADDRESS||| or |||PHONE_NUMBER||| from |||IP_ADDRESS|||",
    "<|endoftext|><|padding|> end",
    "[unused0] [unused82] [unused83]",
    "two  three   four    many" + " " * 30 + "end",
    "  leading spaces and trailing  ",
    "tab\tand\nnewline  \n  mixed",
    "cafe\u0301 composed by NFC, ﬁne not",
]


def added(content: str, special: bool, lstrip: bool = False) -> dict:
    return {"content": content, "single_word": False, "lstrip": lstrip, "rstrip": False, "normalized": not special, "special": special}


def build(train_text: list[str]) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=2000, min_frequency=2, special_tokens=IN_VOCAB, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(train_text, trainer)

    structure = json.loads(tok.to_str())
    vocab = structure["model"]["vocab"]
    tokens = [(0, added(IN_VOCAB[0], special=False)), (1, added(IN_VOCAB[1], special=True))]
    for content in SPACES + ["|||EMAIL_ADDRESS|||", "|||PHONE_NUMBER|||", "<|endoftext|>"]:
        vocab[content] = len(vocab)
        tokens.append((vocab[content], added(content, special=content == "<|endoftext|>")))
    for i, content in enumerate(SPECIALS + UNUSED):
        tokens.append((len(vocab) + i, added(content, special=content in SPECIALS, lstrip=content == "[MASK]")))
    structure["added_tokens"] = [{"id": i, **token} for i, token in tokens]
    cls, sep = (next(i for i, t in tokens if t["content"] == name) for name in ("[CLS]", "[SEP]"))
    structure["post_processor"] = {
        "type": "TemplateProcessing",
        "single": [
            {"SpecialToken": {"id": "[CLS]", "type_id": 0}},
            {"Sequence": {"id": "A", "type_id": 0}},
            {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
        ],
        "pair": [
            {"SpecialToken": {"id": "[CLS]", "type_id": 0}},
            {"Sequence": {"id": "A", "type_id": 0}},
            {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
            {"Sequence": {"id": "B", "type_id": 1}},
            {"SpecialToken": {"id": "[SEP]", "type_id": 1}},
        ],
        "special_tokens": {
            "[CLS]": {"id": "[CLS]", "ids": [cls], "tokens": ["[CLS]"]},
            "[SEP]": {"id": "[SEP]", "ids": [sep], "tokens": ["[SEP]"]},
        },
    }
    return Tokenizer.from_str(json.dumps(structure))


def config(tok: Tokenizer) -> dict:
    structure = json.loads(tok.to_str())
    decoder = {str(t["id"]): {k: t[k] for k in ("content", "lstrip", "normalized", "rstrip", "single_word", "special")} for t in structure["added_tokens"]}
    return {
        "added_tokens_decoder": decoder,
        "clean_up_tokenization_spaces": True,
        "cls_token": "[CLS]",
        "mask_token": "[MASK]",
        "model_input_names": ["input_ids", "attention_mask"],
        "model_max_length": 8192,
        "pad_token": "[PAD]",
        "sep_token": "[SEP]",
        "tokenizer_class": "PreTrainedTokenizerFast",
        "unk_token": "[UNK]",
    }


def main() -> None:
    cases = read_cases()
    text = read_wnut_sentences(WNUT / "train.conll")
    text += [line for path in sorted(SAMPLES.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
    tok = build([line for line in text if line.strip()])
    folder = fresh(OUT / "bpe-modernbert")
    tok.save(str(folder / "tokenizer.json"), pretty=False)
    (folder / "tokenizer_config.json").write_text(json.dumps(config(tok), indent=2) + "\n", encoding="utf-8")
    expected = [record(tok, text, pair, max_length) for text, pair, max_length in cases]
    write_json(folder / "expected.json", {"results": expected})
    special = [(text, None, None) for text in SPECIAL_CASES] + [(SPECIAL_CASES[0], SPECIAL_CASES[3], None), (SPECIAL_CASES[6], SPECIAL_CASES[1], 12)]
    write_json(
        folder / "special-cases.json",
        {"cases": [{"text": t, "pair": p, "maxLength": m} for t, p, m in special], "results": [record(tok, t, p, m) for t, p, m in special]},
    )
    check_transformers_twin(folder, cases + special, expected + [record(tok, t, p, m) for t, p, m in special])
    print(f"  bpe-modernbert: {tok.get_vocab_size()} ids, {len(expected)} + {len(special)} cases")


if __name__ == "__main__":
    main()
