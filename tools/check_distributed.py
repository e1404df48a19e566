"""Runs examples/ray-data/tag_corpus.py in Ray's local mode on WNUT-17 test and compares it with `pasta predict`.

    tools/check_distributed.py --workspace WS --adapter NAME [--export DIR] [--workers 2] [--limit N]

The corpus is one JSONL record {"id", "text"} per WNUT-17 test sentence (CoNLL words joined by spaces). Both
sides tag that file: `pasta predict --format jsonl` and the Ray Data job on the exported model. Records are matched
by id; a record agrees when its spans (start, end, label) are the same set (pasta's UTF-16 offsets converted to
code points). Prints the agreement, the largest confidence difference and both wall times; exits 1 on any
difference. Needs ray[data], onnxruntime and tokenizers (examples/ray-data/requirements.txt) in a venv outside
the repository (see examples/ray-data/README.md).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pasta_cli import REPO, WNUT17_DIR, pasta, predict_records, read_conll_sentences, utf16_to_code_points, write_corpus

DEFAULT_TEST = WNUT17_DIR / "test.conll"
JOB = REPO / "examples" / "ray-data" / "tag_corpus.py"


def read_records(paths: list[Path]) -> dict[int, dict]:
    records = {}
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                record = json.loads(line)
                if record["id"] in records:
                    sys.exit(f"{path}:{n}: id {record['id']} written twice")
                records[record["id"]] = record
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--adapter", required=True)
    parser.add_argument("--export", type=Path, help="an existing export-model folder (default: export into a temp folder)")
    parser.add_argument("--test", type=Path, default=DEFAULT_TEST)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    args = parser.parse_args()

    if not args.test.is_file():
        sys.exit(f"{args.test}: no such file (--test, or WNUT17_DIR naming the WNUT-17 folder)")
    sentences = read_conll_sentences(args.test)
    if args.limit:
        sentences = sentences[: args.limit]
    workspace = args.workspace.resolve()
    with tempfile.TemporaryDirectory(prefix="pasta-check-distributed-") as temp:
        temp = Path(temp)
        export = args.export
        if export is None:
            export = temp / "export"
            t0 = time.time()
            pasta(["export-model", "--adapter", args.adapter, "--out", str(export)], workspace)
            print(f"exported {args.adapter} in {time.time() - t0:.1f} s")
        corpus = write_corpus(sentences, temp / "corpus.jsonl")

        t0 = time.time()
        expected = predict_records(corpus, workspace, args.adapter)
        pasta_seconds = time.time() - t0
        t0 = time.time()
        job = [sys.executable, str(JOB), "--model", str(export), "--input", str(corpus), "--output", str(temp / "ray"), "--workers", str(args.workers)]
        done = subprocess.run(job, capture_output=True, text=True)
        ray_seconds = time.time() - t0
        if done.returncode != 0:
            sys.exit(f"the Ray job failed ({done.returncode}): {done.stderr.strip()[-2000:]}")

        found = read_records(sorted((temp / "ray").glob("*.json*")))
    same = missing = 0
    max_confidence = 0.0
    differs = []
    for i, sentence in enumerate(sentences):
        if i not in expected or i not in found:
            missing += 1
            continue
        to_cp = utf16_to_code_points(sentence)
        want = {(to_cp[s["start"]], to_cp[s["end"]], s["label"]): s["confidence"] for s in expected[i]["spans"]}
        got = {(s["start"], s["end"], s["label"]): s["confidence"] for s in found[i]["spans"]}
        if want.keys() == got.keys():
            same += 1
            for key, confidence in want.items():
                max_confidence = max(max_confidence, abs(confidence - got[key]))
        elif len(differs) < 5:
            differs.append({"id": i, "text": sentence, "pasta": sorted(want), "ray": sorted(got)})
    n = len(sentences)
    summary = {
        "records": n,
        "identical_records": same,
        "missing_records": missing,
        "pasta_entities": sum(len(r["spans"]) for r in expected.values()),
        "ray_entities": sum(len(r["spans"]) for r in found.values()),
        "max_abs_confidence_diff": max_confidence,
        "pasta_predict_seconds": round(pasta_seconds, 1),
        "ray_job_seconds": round(ray_seconds, 1),
        "ray_workers": args.workers,
    }
    print(json.dumps(summary))
    print(f"{same}/{n} records with the same spans as pasta predict ({missing} missing)")
    for d in differs:
        print(f"  differs: {json.dumps(d, ensure_ascii=False)}")
    ok = same == n
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
