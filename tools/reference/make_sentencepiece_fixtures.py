"""Writes the SentencePiece (Unigram) tokenizer fixtures under test/fixtures/tokenizers/unigram-*.

Real XLM-R and DeBERTa-v3 tokenizer files cannot be fetched here, so this trains small SentencePiece
Unigram models on text the repository ships (WNUT-17 train sentences, samples/workspace/news) with the
normalisation rule XLM-R uses (nmt_nfkc, carried as a precompiled charsmap), and converts them with
transformers' own code, so that each tokenizer.json has the structure of the real ones:

  unigram-xlmr             XLMRobertaTokenizer.from_pretrained(folder with sentencepiece.bpe.model), saved:
                           Precompiled; WhitespaceSplit + Metaspace; TemplateProcessing <s> $A </s> </s> $B </s>
  unigram-xlmr-converter   transformers' XLMRobertaConverter (the layout of most XLM-R fine-tunes on the hub):
                           Sequence[Precompiled, Strip, Replace(" {2,}", "▁")]; Metaspace; <mask> with lstrip
  unigram-xlmr-legacy      the older serialisation (xlm-roberta-base's own file): Precompiled alone, the legacy
                           Metaspace {"add_prefix_space": true} without prepend_scheme, no byte_fallback field;
                           with RobertaProcessing (trim_offsets) in place of TemplateProcessing
  unigram-deberta-v3-converter  transformers' DebertaV2Converter: Sequence[Strip, Precompiled, Replace];
                           Sequence[Metaspace]; TemplateProcessing [CLS] $A [SEP] $B:1 [SEP]:1
  unigram-deberta-v3       DebertaV2Tokenizer.from_pretrained(folder with spm.model), saved (no charsmap:
                           Replace(\\s{2,}|[\\n\\r\\t]), NFC, Strip; Metaspace; TemplateProcessing)
  unigram-metaspace-first  DebertaV2Tokenizer(add_prefix_space=False): Metaspace prepend_scheme "first"
  unigram-deberta-v3-punct DebertaV2Tokenizer(split_by_punct=True, do_lower_case=True): Lowercase, and
                           Punctuation (isolated) before Metaspace
  unigram-tiny             a 300-piece model whose charsmap comes from a small rule table (TINY_RULES: full-width
                           letters, a two-character source, an expansion, a removal): small enough to fuzz
  unigram-byte-fallback    a model trained with byte_fallback (identity normalisation), through transformers'
                           generic SentencePiece path: Replace(" ", "▁"), no pre-tokenizer, <0xNN> pieces

Folders holding only the SentencePiece model, as microsoft/deberta-v3-* ship it (spm.model + tokenizer_config.json,
no tokenizer.json), read by the TypeScript tokenizer itself; each is checked against sentencepiece's own ids:
  spm-deberta-v3           spm.model + {"do_lower_case": false, "vocab_type": "spm"}: shares the expected.json of
                           unigram-deberta-v3-converter (DebertaV2Converter, what transformers 4's DebertaV2TokenizerFast
                           built from spm.model)
  spm-deberta-v3-punct     the same spm.model with do_lower_case and split_by_punct: DebertaV2Converter's answers
  spm-xlmr                 sentencepiece.bpe.model alone: shares unigram-xlmr-converter's expected.json (XLMRobertaConverter)
  spm-deberta-v3-added     a fine-tune saved by older transformers: spm.model with special_tokens_map.json and
                           added_tokens.json ([MASK], and "&amp;", "<e>", "</e>" added as normalized tokens); answers for
                           the shared cases and for special-cases.json; transformers 5 must agree on the ASCII ones

Run on demand after make_tokenizer_fixtures.py (it reads the cases.json that one writes), in a light venv
outside the repository (no torch needed):
    python3 -m venv ~/.cache/pasta-studio/tokenizer-venv
    ~/.cache/pasta-studio/tokenizer-venv/bin/pip install transformers==5.23.0 tokenizers==0.23.3 \\
        sentencepiece==0.2.3 protobuf==7.36.2
    ~/.cache/pasta-studio/tokenizer-venv/bin/python tools/reference/make_sentencepiece_fixtures.py

Training runs on one thread, so the models (and every file written) are the same on each run.
"""

import json
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import sentencepiece as spm
from tokenizers import AddedToken, Tokenizer
from transformers import DebertaV2Tokenizer, XLMRobertaTokenizer
from transformers.convert_slow_tokenizer import DebertaV2Converter, SpmConverter, XLMRobertaConverter, import_protobuf

from make_tokenizer_fixtures import OUT, ROOT, WNUT, fresh, read_wnut_sentences, record, write_expected, write_json

SAMPLES = ROOT / "samples" / "workspace" / "news"


def read_cases() -> list[tuple[str, str | None, int | None]]:
    cases = json.loads((OUT / "cases.json").read_text(encoding="utf-8"))["cases"]
    return [(c["text"], c.get("pair"), c.get("maxLength")) for c in cases]


def train(corpus: Path, prefix: Path, **options) -> Path:
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        model_type="unigram",
        num_threads=1,
        minloglevel=2,
        **options,
    )
    return prefix.with_suffix(".model")


def proto_of(model: Path):
    proto = import_protobuf().ModelProto()
    proto.ParseFromString(model.read_bytes())
    return proto


def save(folder: Path, tok: Tokenizer, cases, config: dict | None = None) -> None:
    tok.save(str(folder / "tokenizer.json"), pretty=False)
    if config is not None:
        (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    write_expected(folder, Tokenizer.from_file(str(folder / "tokenizer.json")), cases)


def from_transformers(folder: Path, tokenizer_class, model: Path, model_name: str, cases, **options) -> None:
    """What transformers itself writes for a folder that holds only the SentencePiece model."""
    with tempfile.TemporaryDirectory() as source:
        shutil.copy(model, Path(source) / model_name)
        tok = tokenizer_class.from_pretrained(source, **options)
        tok.save_pretrained(str(folder))
    for extra in folder.iterdir():
        if extra.name not in ("tokenizer.json", "tokenizer_config.json"):
            extra.unlink()
    write_expected(folder, Tokenizer.from_file(str(folder / "tokenizer.json")), cases)


def original_tokenizer(model: Path, ids: dict[str, int], **attributes) -> SimpleNamespace:
    """The attributes transformers' converters read from a slow tokenizer."""
    return SimpleNamespace(vocab_file=str(model), convert_tokens_to_ids=lambda token: ids[token], **attributes)


XLMR_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]


def make_xlmr(model: Path, cases) -> None:
    from_transformers(fresh(OUT / "unigram-xlmr"), XLMRobertaTokenizer, model, "sentencepiece.bpe.model", cases)

    size = len(proto_of(model).pieces)
    ids = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "<mask>": size + 1}
    tok = XLMRobertaConverter(original_tokenizer(model, ids, add_prefix_space=True)).converted()
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in XLMR_SPECIALS])
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)])
    config = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "model_max_length": 512,
    }
    save(fresh(OUT / "unigram-xlmr-converter"), tok, cases, config)
    spm_twin(OUT / "spm-xlmr", model, "sentencepiece.bpe.model", None)
    # fairseq's order: sentencepiece's <unk> 0, <s> 1, </s> 2 become 3, 0, 2; every other piece moves up by one.
    check_against_sentencepiece("spm-xlmr", model, tok, cases, lambda i: {0: 3, 1: 0, 2: 2}.get(i, i + 1))

    hub = json.loads(tok.to_str())
    hub["normalizer"] = next(n for n in hub["normalizer"]["normalizers"] if n["type"] == "Precompiled")
    legacy_metaspace = {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True}
    hub["pre_tokenizer"] = legacy_metaspace
    hub["decoder"] = legacy_metaspace
    hub["post_processor"] = {
        "type": "RobertaProcessing",
        "sep": ["</s>", ids["</s>"]],
        "cls": ["<s>", ids["<s>"]],
        "trim_offsets": True,
        "add_prefix_space": True,
    }
    del hub["model"]["byte_fallback"]
    save(fresh(OUT / "unigram-xlmr-legacy"), Tokenizer.from_str(json.dumps(hub)), cases, config)


def spm_twin(folder: Path, model: Path, model_name: str, config: dict | None) -> Path:
    """A folder with the SentencePiece model alone (and the tokenizer_config.json the hub repository has)."""
    fresh(folder)
    # The trainer records its temporary input and output paths; fixed names keep the file the same on every run.
    proto = proto_of(model)
    del proto.trainer_spec.input[:]
    proto.trainer_spec.input.append("corpus.txt")
    proto.trainer_spec.model_prefix = model_name.removesuffix(".model")
    (folder / model_name).write_bytes(proto.SerializeToString())
    if config is not None:
        (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return folder


def check_against_sentencepiece(name: str, model: Path, tok: Tokenizer, cases, ids_of_spm) -> None:
    """How often the converted tokenizer's ids (special tokens aside) equal sentencepiece's own: informative."""
    sp = spm.SentencePieceProcessor(model_file=str(model))
    single = [text for text, pair, max_length in cases if pair is None and max_length is None]
    same = 0
    for text in single:
        ours = tok.encode(text, add_special_tokens=False).ids
        if ours == [ids_of_spm(i) for i in sp.encode(text)]:
            same += 1
    print(f"  {name}: converted ids equal sentencepiece's on {same}/{len(single)} single texts")


def converted_deberta(model: Path, do_lower_case: bool, split_by_punct: bool) -> Tokenizer:
    """transformers 4's DebertaV2TokenizerFast for a folder with spm.model: DebertaV2Converter, then the class's special tokens."""
    proto = proto_of(model)
    ids = {piece.piece: i for i, piece in enumerate(proto.pieces)}
    ids["[MASK]"] = len(proto.pieces)
    slow = original_tokenizer(model, ids, do_lower_case=do_lower_case, split_by_punct=split_by_punct, add_prefix_space=True)
    tok = DebertaV2Converter(slow).converted()
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in ["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]"]])
    return tok


ADDED_TEXTS = [
    "<e>John</e> lives in Paris [MASK].",
    "a <e> b</e>c &amp;&amp; d",
    "RT @ user : &amp; <e> x </e>",
    "[MASK][MASK] <e></e>",
]


def make_deberta_added(model: Path, cases) -> None:
    """DebertaV2Converter, the class's special tokens, then added_tokens.json's others as transformers reads them."""
    folder = spm_twin(OUT / "spm-deberta-v3-added", model, "spm.model", {"do_lower_case": False, "vocab_type": "spm"})
    size = len(proto_of(model).pieces)
    added = {"[MASK]": size, "&amp;": size + 1, "<e>": size + 2, "</e>": size + 3}
    (folder / "added_tokens.json").write_text(json.dumps(added) + "\n", encoding="utf-8")
    specials = {"bos_token": "[CLS]", "eos_token": "[SEP]", "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"}
    (folder / "special_tokens_map.json").write_text(json.dumps(specials, indent=2) + "\n", encoding="utf-8")
    tok = converted_deberta(model, do_lower_case=False, split_by_punct=False)
    tok.add_tokens([AddedToken(t, normalized=True, special=False) for t in ["&amp;", "<e>", "</e>"]])
    assert all(tok.token_to_id(t) == i for t, i in added.items())
    write_expected(folder, tok, cases)
    special = [(text, None, None) for text in ADDED_TEXTS] + [(ADDED_TEXTS[0], ADDED_TEXTS[1], None)]
    results = [record(tok, t, p, m) for t, p, m in special]
    write_json(folder / "special-cases.json", {"cases": [{"text": t, "pair": p, "maxLength": m} for t, p, m in special], "results": results})

    # transformers 5 builds its own DebertaV2Tokenizer (no charsmap) from the folder: ASCII texts must still agree.
    from transformers import AutoTokenizer

    with tempfile.TemporaryDirectory() as copy:
        shutil.copytree(folder, copy, dirs_exist_ok=True)
        (Path(copy) / "config.json").write_text('{"model_type": "deberta-v2"}', encoding="utf-8")
        loaded = AutoTokenizer.from_pretrained(copy)
    ascii_cases = [t for t in ADDED_TEXTS if t.isascii()]
    differ = [t for t in ascii_cases if loaded(t)["input_ids"] != tok.encode(t).ids]
    print(f"  spm-deberta-v3-added: transformers 5 agrees on {len(ascii_cases) - len(differ)}/{len(ascii_cases)} ASCII texts with added tokens")
    for text in differ:
        print(f"    {text!r}: transformers 5 {loaded.tokenize(text)}, converter {tok.encode(text, add_special_tokens=False).tokens}")


def make_deberta(model: Path, cases) -> None:
    from_transformers(fresh(OUT / "unigram-deberta-v3"), DebertaV2Tokenizer, model, "spm.model", cases)
    first = fresh(OUT / "unigram-metaspace-first")
    from_transformers(first, DebertaV2Tokenizer, model, "spm.model", cases, add_prefix_space=False)
    punct = fresh(OUT / "unigram-deberta-v3-punct")
    from_transformers(punct, DebertaV2Tokenizer, model, "spm.model", cases, split_by_punct=True, do_lower_case=True)

    tok = converted_deberta(model, do_lower_case=False, split_by_punct=False)
    config = {
        "tokenizer_class": "DebertaV2Tokenizer",
        "bos_token": "[CLS]",
        "eos_token": "[SEP]",
        "sep_token": "[SEP]",
        "cls_token": "[CLS]",
        "unk_token": "[UNK]",
        "pad_token": "[PAD]",
        "mask_token": "[MASK]",
        "do_lower_case": False,
        "split_by_punct": False,
        "model_max_length": 512,
    }
    save(fresh(OUT / "unigram-deberta-v3-converter"), tok, cases, config)

    # microsoft/deberta-v3-base's own tokenizer_config.json.
    spm_twin(OUT / "spm-deberta-v3", model, "spm.model", {"do_lower_case": False, "vocab_type": "spm"})
    check_against_sentencepiece("spm-deberta-v3", model, tok, cases, lambda i: i)
    punct = spm_twin(OUT / "spm-deberta-v3-punct", model, "spm.model", {"do_lower_case": True, "split_by_punct": True, "vocab_type": "spm"})
    write_expected(punct, converted_deberta(model, do_lower_case=True, split_by_punct=True), cases)
    make_deberta_added(model, cases)


def make_byte_fallback(model: Path, cases) -> None:
    proto = proto_of(model)
    vocab = [(piece.piece, piece.score) for piece in proto.pieces]
    tok = SpmConverter.build_tokenizer_from_spm_proto(proto, vocab)
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in ["<unk>", "<s>", "</s>"]])
    save(fresh(OUT / "unigram-byte-fallback"), tok, cases, {"unk_token": "<unk>", "bos_token": "<s>", "eos_token": "</s>", "pad_token": "</s>"})


# SentencePiece normalisation rules (source code points -> target code points, hex) for unigram-tiny.
TINY_RULES = (
    [f"{0xFF21 + i:04X}\t{0x41 + i:04X}" for i in range(26)]
    + [f"{0xFF41 + i:04X}\t{0x61 + i:04X}" for i in range(26)]
    + ["FF76 FF9E\t30AC", "FF76\t30AB", "2122\t54 4D", "00A0\t20", "3000\t20", "0009\t20", "000A\t20", "000D\t20"]
)


def make_tiny(corpus: Path, work: Path, cases) -> None:
    rules = work / "tiny_rules.tsv"
    rules.write_text("\n".join(TINY_RULES) + "\n", encoding="utf-8")
    model = train(corpus, work / "tiny", vocab_size=300, normalization_rule_tsv=str(rules))
    size = len(proto_of(model).pieces)
    ids = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "<mask>": size + 1}
    tok = XLMRobertaConverter(original_tokenizer(model, ids, add_prefix_space=True)).converted()
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in XLMR_SPECIALS])
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)])
    save(fresh(OUT / "unigram-tiny"), tok, cases, {"tokenizer_class": "XLMRobertaTokenizer", "pad_token": "<pad>", "mask_token": "<mask>"})


def main() -> None:
    cases = read_cases()
    print(f"{len(cases)} cases")
    text = read_wnut_sentences(WNUT / "train.conll")
    text += [line for path in sorted(SAMPLES.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work) / "corpus.txt"
        corpus.write_text("\n".join(line for line in text if line.strip()) + "\n", encoding="utf-8")
        # XLM-R's layout: <unk> 0, <s> 1, </s> 2 (XLMRobertaConverter moves them to fairseq's order).
        xlmr = train(corpus, Path(work) / "xlmr", vocab_size=2000, normalization_rule_name="nmt_nfkc")
        # DeBERTa-v3's layout: [PAD] 0, [CLS] 1, [SEP] 2, [UNK] 3.
        deberta = train(
            corpus,
            Path(work) / "deberta",
            vocab_size=2000,
            normalization_rule_name="nmt_nfkc",
            pad_id=0,
            bos_id=1,
            eos_id=2,
            unk_id=3,
            pad_piece="[PAD]",
            bos_piece="[CLS]",
            eos_piece="[SEP]",
            unk_piece="[UNK]",
        )
        byte_fallback = train(
            corpus, Path(work) / "bytes", vocab_size=1000, normalization_rule_name="identity", byte_fallback=True
        )
        make_xlmr(xlmr, cases)
        make_deberta(deberta, cases)
        make_byte_fallback(byte_fallback, cases)
        make_tiny(corpus, Path(work), cases)
    for folder in sorted(OUT.glob("spm-*")):
        print(f"  {folder.name}: {sorted(f.name for f in folder.iterdir())}")
    for folder in sorted(OUT.glob("unigram-*")):
        size = sum(f.stat().st_size for f in folder.iterdir())
        structure = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
        kinds = [structure[k]["type"] if structure[k] else None for k in ("normalizer", "pre_tokenizer", "post_processor")]
        print(f"  {folder.name}: {size // 1024} KB, {kinds}")


if __name__ == "__main__":
    main()
