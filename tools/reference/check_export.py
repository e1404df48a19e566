"""Checks a `pasta export-model` folder from Python, the way its users will load it.

For every WNUT-17 dev sentence (words joined by spaces):
- entities: `pasta predict --format jsonl` against (a) Hugging Face Optimum's ORTModelForTokenClassification in a
  transformers `pipeline("token-classification", aggregation_strategy="first")`, unmodified, and (b) the same
  Optimum logits decoded as PASTA Studio decodes (each word's first piece, the most probable valid IOB2 sequence);
- logits: Optimum's against a plain onnxruntime InferenceSession on model.onnx, and against the PyTorch reference
  (pasta_reference.PastaModel on the base model with the adapter's tensors), to --tolerance (1e-4).

Exits 1 when (b) differs from `pasta predict` on any sentence or a logits difference exceeds the tolerance; (a) is
reported, since the stock pipeline takes each word's most probable tag where PASTA Studio keeps the sequence valid.

An int8 export (`--quantize int8`, or an --export folder whose config.json has pasta.quantization) computes other
logits than the float32 `pasta predict` on purpose. For it the checks are: Optimum loads it and its logits equal a
plain onnxruntime session's (to --tolerance); the entity F1 of its decoded entities against the gold dev tags equals
the int8 F1 the export measured and recorded in config.json, and the F1 of `pasta predict`'s entities equals the
recorded float32 F1 (both to 1e-6, over the whole dev file: the same windows and decoding give the same entities).
Reported, not checked: the sentences whose int8 entities equal `pasta predict`'s, and the distance of the int8
logits from the float32 PyTorch reference.

    tools/reference/check_export.py --workspace WS --adapter NAME [--export DIR | --quantize int8] [--limit N]

Needs torch, transformers, optimum-onnx[onnxruntime] (requirements-export.txt; see README.md).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from pasta_cli import WNUT17_DIR, pasta, predict_records, read_conll_sentences, utf16_to_code_points, write_corpus  # noqa: E402

DEFAULT_DEV = WNUT17_DIR / "dev.conll"
BATCH = 32
DEFAULT_BASE = Path.home() / ".cache" / "pasta-studio" / "models" / "all-MiniLM-L6-v2"


def pasta_entities(sentences: list[str], workspace: Path, adapter: str) -> list[set[tuple[int, int, str]]]:
    with tempfile.TemporaryDirectory(prefix="pasta-check-export-corpus-") as temp:
        records = predict_records(write_corpus(sentences, Path(temp) / "corpus.jsonl"), workspace, adapter)
    if len(records) != len(sentences):
        sys.exit(f"pasta predict gave {len(records)} records for {len(sentences)} sentences")
    out = []
    for i, s in enumerate(sentences):
        to_cp = utf16_to_code_points(s)
        out.append({(to_cp[span["start"]], to_cp[span["end"]], span["label"]) for span in records[i]["spans"]})
    return out


def read_conll_entities(path: Path) -> list[set[tuple[int, int, str]]]:
    """Each sentence's gold entities as (start, end, type) character spans of its words joined by spaces."""
    out, words, tags = [], [], []

    def close():
        if words:
            starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
            out.append(spans_from_tags([(start, start + len(w)) for start, w in zip(starts, words)], tags))

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
            words, tags = [], []
        else:
            fields = line.split("\t") if "\t" in line else line.split(" ")
            words.append(fields[0].split(" ")[0])
            tags.append(fields[-1] if len(fields) > 1 else "O")
    close()
    return out


def entity_f1(found: list[set[tuple[int, int, str]]], gold: list[set[tuple[int, int, str]]]) -> float:
    """Micro-F1 over exact (start, end, type) matches: seqeval's strict mode over the same words."""
    tp = sum(len(f & g) for f, g in zip(found, gold))
    predicted, actual = sum(map(len, found)), sum(map(len, gold))
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def viterbi_iob2(probs: np.ndarray, id2label: list[str]) -> list[int]:
    """The most probable tag sequence in which I-X only follows B-X or I-X (src/core/pasta/iob2Decoding.ts)."""
    begins = [id2label.index(f"B-{t[2:]}") if t.startswith("I-") else -1 for t in id2label]
    log = np.log(np.maximum(probs.astype(np.float64), 1e-30))
    C = len(id2label)
    score = np.array([log[0, t] if begins[t] < 0 else -math.inf for t in range(C)])
    back = []
    for w in range(1, len(probs)):
        nxt, frm = np.full(C, -math.inf), np.zeros(C, dtype=int)
        for t in range(C):
            for p in range(C):
                if (begins[t] < 0 or p == t or p == begins[t]) and score[p] > nxt[t]:
                    nxt[t], frm[t] = score[p], p
            nxt[t] += log[w, t]
        back.append(frm)
        score = nxt
    tags = [int(np.argmax(score))]
    for frm in reversed(back):
        tags.append(int(frm[tags[-1]]))
    return tags[::-1]


def spans_from_tags(words: list[tuple[int, int]], tags: list[str]) -> set[tuple[int, int, str]]:
    """Lenient IOB2 (an I- after O or another type starts an entity), as wordTagsToSpans."""
    spans, open_ = set(), None
    for (start, end), tag in zip(words, tags):
        if tag == "O":
            if open_:
                spans.add(tuple(open_))
            open_ = None
        elif tag.startswith("I-") and open_ and open_[2] == tag[2:]:
            open_[1] = end
        else:
            if open_:
                spans.add(tuple(open_))
            open_ = [start, end, tag[2:]]
    if open_:
        spans.add(tuple(open_))
    return spans


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def decoded_entities(logits: np.ndarray, word_ids: list[int | None], offsets: np.ndarray, id2label: list[str]) -> set[tuple[int, int, str]]:
    first, words = {}, {}
    for i, w in enumerate(word_ids):
        if w is None:
            continue
        start, end = int(offsets[i][0]), int(offsets[i][1])
        first.setdefault(w, i)
        words[w] = (min(words.get(w, (start, end))[0], start), max(words.get(w, (start, end))[1], end))
    order = sorted(first)
    if not order:
        return set()
    probs = softmax(logits[[first[w] for w in order]])
    tags = [id2label[t] for t in viterbi_iob2(probs, id2label)]
    return spans_from_tags([words[w] for w in order], tags)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--adapter", required=True)
    parser.add_argument("--export", type=Path, help="an existing export-model folder (default: export into a temp folder)")
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE, help="the base model folder, for the PyTorch reference")
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--threads", type=int, default=2, help="torch and onnxruntime threads")
    parser.add_argument("--quantize", choices=["int8"], help="export with --quantize int8 (without --export)")
    args = parser.parse_args()

    import onnxruntime as ort
    import torch
    from optimum.onnxruntime import ORTModelForTokenClassification
    from safetensors.numpy import load_file
    from transformers import AutoTokenizer, pipeline

    sys.path.insert(0, str(HERE))
    from pasta_reference import PastaModel, special_positions

    torch.set_num_threads(args.threads)
    sentences = read_conll_sentences(args.dev)
    gold = read_conll_entities(args.dev)
    if args.limit:
        sentences, gold = sentences[: args.limit], gold[: args.limit]
    workspace = args.workspace.resolve()
    temp = None
    export = args.export
    if export is None:
        temp = tempfile.TemporaryDirectory(prefix="pasta-check-export-")
        export = Path(temp.name) / "export"
        t0 = time.time()
        # A large --max-f1-drop: the check examines the int8 model whatever it costs (the export prints the change).
        quantize = ["--quantize", args.quantize, "--max-f1-drop", "100"] if args.quantize else []
        output = pasta(["export-model", "--adapter", args.adapter, "--out", str(export), *quantize], workspace)
        print("\n".join(line for line in output.splitlines() if not line.startswith("  ")))
        print(f"exported {args.adapter} to {export} in {time.time() - t0:.1f} s")
    quantization = json.loads((export / "config.json").read_text()).get("pasta", {}).get("quantization")
    if quantization:
        print(f"int8 export: {json.dumps(quantization)}")

    t0 = time.time()
    expected = pasta_entities(sentences, workspace, args.adapter)
    print(f"pasta predict: {len(sentences)} sentences, {sum(map(len, expected))} entities, {time.time() - t0:.1f} s")

    model = ORTModelForTokenClassification.from_pretrained(export)
    tokenizer = AutoTokenizer.from_pretrained(export)
    id2label = [model.config.id2label[i] for i in range(len(model.config.id2label))]
    tagger = pipeline("token-classification", model=model, tokenizer=tokenizer, aggregation_strategy="first")
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    session = ort.InferenceSession(str(export / "model.onnx"), options, providers=["CPUExecutionProvider"])

    adapter_dir = workspace / ".pasta" / "adapters" / args.adapter
    adapter_config = json.loads((adapter_dir / "adapter_config.json").read_text())
    tensors = load_file(str(adapter_dir / "adapter_model.safetensors"))
    num_slots = adapter_config["num_special_token_slots"]
    reference = PastaModel.from_pretrained(str(args.base), "token", len(id2label), num_slots)
    with torch.no_grad():
        reference.pasta_vectors.copy_(torch.from_numpy(tensors["pasta_vectors"]))
        reference.classifier.weight.copy_(torch.from_numpy(tensors["classifier.weight"]))
        reference.classifier.bias.copy_(torch.from_numpy(tensors["classifier.bias"]))
    reference.eval()
    slot_ids = sorted({tokenizer.convert_tokens_to_ids(t) for t in adapter_config["special_token_slots"]})

    pipeline_same = decoded_same = 0
    pipeline_entities = decoded_count = 0
    max_ort = max_ref = max_logit = 0.0
    mismatches = []
    t0 = time.time()
    for i, found in enumerate(tagger(sentences, batch_size=BATCH)):
        found = {(e["start"], e["end"], e["entity_group"]) for e in found}
        pipeline_entities += len(found)
        pipeline_same += found == expected[i]

    batches = [list(range(start, min(start + BATCH, len(sentences)))) for start in range(0, len(sentences), BATCH)]
    if quantization:
        # int8 activations are quantised per tensor, over the whole batch: the export scored dev in batches of the
        # project's batch size ordered by token count (stably), so the same batches give the same logits.
        hyperparameters = json.loads((workspace / ".pasta" / "project.json").read_text()).get("hyperparameters", {})
        size = hyperparameters.get("batchSize", 16)
        lengths = [len(ids) for ids in tokenizer(sentences)["input_ids"]]
        order = sorted(range(len(sentences)), key=lambda i: lengths[i])
        batches = [order[start : start + size] for start in range(0, len(order), size)]
    decoded_all = [set() for _ in sentences]
    for rows in batches:
        batch = [sentences[i] for i in rows]
        enc = tokenizer(batch, padding=True, return_offsets_mapping=True, return_tensors="np")
        feeds = {name: enc[name].astype(np.int64) for name in ("input_ids", "attention_mask", "token_type_ids") if name in enc}
        optimum_logits = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).logits.numpy()
        ort_logits = session.run(["logits"], {inp.name: feeds[inp.name] for inp in session.get_inputs()})[0]
        ids, mask = torch.from_numpy(feeds["input_ids"]), torch.from_numpy(feeds["attention_mask"])
        types = torch.from_numpy(feeds["token_type_ids"]) if "token_type_ids" in feeds else None
        with torch.no_grad():
            ref_logits = reference(ids, mask, special_positions(ids, mask, slot_ids, num_slots), token_type_ids=types).logits.numpy()
        attended = feeds["attention_mask"].astype(bool)
        max_ort = max(max_ort, float(np.abs(optimum_logits - ort_logits)[attended].max()))
        max_ref = max(max_ref, float(np.abs(optimum_logits - ref_logits)[attended].max()))
        max_logit = max(max_logit, float(np.abs(ref_logits)[attended].max()))

        for b, sentence in enumerate(batch):
            i = rows[b]
            decoded = decoded_entities(optimum_logits[b], enc.word_ids(b), enc["offset_mapping"][b], id2label)
            decoded_count += len(decoded)
            decoded_all[i] = decoded
            decoded_same += decoded == expected[i]
            if decoded != expected[i] and len(mismatches) < 5:
                mismatches.append({"sentence": sentence, "pasta": sorted(expected[i]), "optimum_decoded": sorted(decoded)})
    seconds = time.time() - t0

    n = len(sentences)
    summary = {
        "sentences": n,
        "pasta_entities": sum(map(len, expected)),
        "pipeline_first_entities": pipeline_entities,
        "pipeline_first_identical_sentences": pipeline_same,
        "decoded_entities": decoded_count,
        "decoded_identical_sentences": decoded_same,
        "max_abs_logit_diff_optimum_vs_onnxruntime": max_ort,
        "max_abs_logit_diff_optimum_vs_pytorch_reference": max_ref,
        "max_abs_logit": max_logit,
        "seconds": round(seconds, 1),
    }
    whole = not args.limit
    if quantization:
        summary["int8_f1_decoded_vs_gold"] = entity_f1(decoded_all, gold)
        summary["fp32_f1_pasta_predict_vs_gold"] = entity_f1(expected, gold)
        summary["int8_f1_recorded"] = quantization["dev_f1_int8"]
        summary["fp32_f1_recorded"] = quantization["dev_f1_fp32"]
    print(json.dumps(summary))
    print(f"Optimum pipeline (aggregation first), unmodified: {pipeline_same}/{n} sentences with the same entities as pasta predict")
    print(f"Optimum logits, decoded as PASTA Studio decodes: {decoded_same}/{n} sentences with the same entities")
    print(f"logits: Optimum vs onnxruntime max |diff| {max_ort:.3g}; vs the PyTorch reference {max_ref:.3g} (largest |logit| {max_logit:.3g})")
    for m in mismatches:
        print(f"  differs: {json.dumps(m, ensure_ascii=False)}")
    if quantization:
        same_f1 = lambda a, b: abs(a - b) <= 1e-6  # noqa: E731 (the recorded F1 is rounded to 6 digits)
        f1_ok = not whole or (
            same_f1(summary["int8_f1_decoded_vs_gold"], quantization["dev_f1_int8"])
            and same_f1(summary["fp32_f1_pasta_predict_vs_gold"], quantization["dev_f1_fp32"])
        )
        print(
            f"int8: entity F1 of the Optimum logits decoded {100 * summary['int8_f1_decoded_vs_gold']:.2f} (recorded at export "
            f"{100 * quantization['dev_f1_int8']:.2f}); pasta predict (float32) {100 * summary['fp32_f1_pasta_predict_vs_gold']:.2f} "
            f"(recorded {100 * quantization['dev_f1_fp32']:.2f}){'' if whole else ' (not compared: --limit)'}"
        )
        print(f"int8: {decoded_same}/{n} sentences with the same entities as the float32 pasta predict (not checked)")
        ok = f1_ok and max_ort <= args.tolerance
    else:
        ok = decoded_same == n and max_ort <= args.tolerance and max_ref <= args.tolerance
    if temp:
        temp.cleanup()
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
