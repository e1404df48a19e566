"""Tags a JSON Lines corpus with a `pasta export-model` folder on Ray Data.

    python tag_corpus.py --model EXPORT_DIR --input corpus.jsonl [more.jsonl ...] --output OUT_DIR
        [--address auto] [--workers N] [--threads-per-worker 1] [--batch-size 256]
        [--max-length 128] [--stride 32]

Each input line is a JSON object with a "text" field; every other field is kept. Each output record gains
"spans": [{"start", "end", "label", "confidence"}] (character offsets into "text", as `pasta predict`). OUT_DIR
receives Ray's JSONL files (one per block). Without --address Ray starts on this machine (local mode); with
--address auto (or ray://head:10001) the same job runs on a cluster, which must see the model folder and the
inputs at the same paths (a shared file system, or s3://... paths for the corpus).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import ray

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pasta_tagging import ExportedTagger  # noqa: E402


class TagBatch:
    """One per Ray worker (an actor): the onnxruntime session is created once and tags many batches."""

    def __init__(self, model_dir: str, max_length: int, stride: int, threads: int):
        self.tagger = ExportedTagger(model_dir, max_length=max_length, stride=stride, threads=threads)

    def __call__(self, batch: dict) -> dict:
        texts = [str(t) for t in batch["text"]]
        batch["spans"] = self.tagger.tag(texts)
        return batch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="a `pasta export-model` folder (model.onnx, config.json, tokenizer.json)")
    parser.add_argument("--input", nargs="+", required=True, help="JSONL files or folders (local paths or s3://...)")
    parser.add_argument("--output", required=True)
    parser.add_argument("--address", help="a running Ray cluster (auto, ray://host:10001); default: start Ray here")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="actors tagging in parallel")
    parser.add_argument("--threads-per-worker", type=int, default=1, help="onnxruntime intra-op threads per actor")
    parser.add_argument("--batch-size", type=int, default=256, help="records per map_batches call")
    parser.add_argument("--max-length", type=int, default=128, help="the project's maxLength (pieces per window)")
    parser.add_argument("--stride", type=int, default=32, help="the project's stride (pieces shared by windows)")
    args = parser.parse_args()

    model = str(Path(args.model).resolve())
    if not (Path(model) / "model.onnx").is_file():
        print(f"{model}: no model.onnx (is it a `pasta export-model` folder?)", file=sys.stderr)
        return 1
    started = time.time()
    if args.address:
        ray.init(address=args.address)
    else:
        # One CPU beyond the actors' for the read and write tasks: with none left they wait on the actors forever.
        ray.init(num_cpus=args.workers * args.threads_per_worker + 1, include_dashboard=False)
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    corpus = ray.data.read_json(args.input, lines=True)
    tagged = corpus.map_batches(
        TagBatch,
        fn_constructor_args=(model, args.max_length, args.stride, args.threads_per_worker),
        batch_size=args.batch_size,
        batch_format="pandas",
        concurrency=args.workers,
        num_cpus=args.threads_per_worker,
    )
    tagged.write_json(args.output)
    print(f"tagged {args.input} into {args.output} in {time.time() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
