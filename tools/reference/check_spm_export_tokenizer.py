"""Checks that transformers loads the tokenizer of a `pasta export-model` folder whose base had spm.model and no
tokenizer.json (microsoft/deberta-v3-*) as PASTA Studio tokenises: AutoTokenizer on the folder against the ids that
Hugging Face `tokenizers` gives with DebertaV2Converter's tokenizer.json of the same spm.model (the parity fixture
unigram-deberta-v3-converter, which PASTA's tokenizer equals on every case). Run it with the transformers you deploy.

    python tools/reference/check_spm_export_tokenizer.py EXPORT_DIR [--expected unigram-deberta-v3-converter]

The export's base must use the spm-deberta-v3 fixture's spm.model. A text pair whose second text is "" is skipped:
transformers treats text_pair="" as no pair. Exits 1 on any other difference.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "tokenizers"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("export")
    parser.add_argument("--expected", default="unigram-deberta-v3-converter")
    args = parser.parse_args()

    import transformers
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(args.export)
    cases = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))["cases"]
    expected = json.loads((FIXTURES / args.expected / "expected.json").read_text(encoding="utf-8"))["results"]
    checked, differ = 0, []
    for i, (case, want) in enumerate(zip(cases, expected)):
        if case.get("pair") == "":
            continue
        options = {"truncation": True, "max_length": case["maxLength"]} if case.get("maxLength") is not None else {}
        ids = tokenizer(case["text"], case.get("pair"), **options)["input_ids"]
        checked += 1
        if ids != want["ids"]:
            differ.append(i)
    print(f"transformers {transformers.__version__}, {type(tokenizer).__name__}: {checked - len(differ)}/{checked} cases as PASTA Studio"
          + (f"; differ: {differ[:10]}" if differ else ""))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
