"""What the checks under tools/ share: WNUT-17's CoNLL sentences, and `pasta` (the CLI from this checkout) run on them.

    from pasta_cli import read_conll_sentences, pasta, predict_records, utf16_to_code_points

tools/reference/ scripts put this folder on sys.path first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _wnut17_dir() -> Path:
    """WNUT17_DIR, else shared/datasets/wnut17 beside the checkout or beside a folder above it (a worktree)."""
    if "WNUT17_DIR" in os.environ:
        return Path(os.environ["WNUT17_DIR"])
    candidates = [folder / "shared" / "datasets" / "wnut17" for folder in REPO.parents]
    return next((c for c in candidates if c.is_dir()), candidates[0])


WNUT17_DIR = _wnut17_dir()


def read_conll_sentences(path: Path) -> list[str]:
    """Each CoNLL sentence (blank-line separated) as its words (first column) joined by spaces."""
    sentences, words = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                sentences.append(" ".join(words))
            words = []
        else:
            words.append(line.split("\t")[0].split(" ")[0])
    if words:
        sentences.append(" ".join(words))
    return sentences


def pasta(args: list[str], workspace: Path) -> str:
    """Runs `pasta <args> --workspace <workspace>` from source and returns its stdout; exits on failure."""
    command = ["node", "--import", "tsx", str(REPO / "src" / "cli" / "main.ts"), *args, "--workspace", str(workspace)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"pasta {args[0]} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def write_corpus(sentences: list[str], path: Path) -> Path:
    """The sentences as JSONL records {"id": i, "text": sentence}, the corpus both sides of a check tag."""
    path.write_text("".join(json.dumps({"id": i, "text": s}, ensure_ascii=False) + "\n" for i, s in enumerate(sentences)), encoding="utf-8")
    return path


def predict_records(corpus: Path, workspace: Path, adapter: str) -> dict[int, dict]:
    """`pasta predict --format jsonl` over a corpus from write_corpus: its records by id (spans in UTF-16 offsets)."""
    records = {}
    for n, line in enumerate(pasta(["predict", "--adapter", adapter, "--format", "jsonl", str(corpus)], workspace).splitlines(), 1):
        if line.strip():
            record = json.loads(line)
            if record["id"] in records:
                sys.exit(f"pasta predict, line {n}: id {record['id']} written twice")
            records[record["id"]] = record
    return records


def utf16_to_code_points(text: str) -> dict[int, int]:
    """JavaScript string offsets (UTF-16 code units) -> Python string offsets (code points)."""
    mapping, unit = {}, 0
    for i, ch in enumerate(text):
        mapping[unit] = i
        unit += 2 if ord(ch) > 0xFFFF else 1
    mapping[unit] = len(text)
    return mapping
