"""WNUT-17 NER on PyTorch: full fine-tuning or the reference PASTA, the other side of bench/trainWnut17.ts.

Trains on train.conll, picks the epoch with the best dev entity F1, reports dev and test F1 of that epoch.
  --mode full   all of the base (AutoModelForTokenClassification: BertModel + dropout + Linear) trained
  --mode pasta  PastaModel with freeze_base: only the vectors [L, 2, H] and the Linear head trained
Both: AdamW, linear schedule with 10% warm-up, batch 16, max length 128, first-sub-word labels (-100 on other
pieces and special tokens), batches bucketed by length. Scoring: seqeval mode='strict', scheme=IOB2, after the
predicted tags are repaired as conlleval reads them (an I-x that continues nothing becomes B-x). Words cut off
by max length, or that the tokenizer turns into no piece, are predicted O.

Test is read like src/core/data/formats/conll.ts with { multiTag: 'first', strict: false }: a tag such as
"B-corporation,B-person" keeps the first alternative that gives a valid IOB2 sequence (the first one if none
does), and an I-x that continues nothing becomes B-x. Train and dev are read strictly (they need no repair).

Prints one JSON line on stdout; progress goes to stderr:
  {"bench":"reference-train-wnut17","mode":...,"dev_f1":...,"test_f1":...,"best_epoch":...,"epochs":...,
   "seconds_per_epoch":...,"threads":...,"lr":...}
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = Path(os.environ.get("WNUT17_DIR", REPO.parent / "shared" / "datasets" / "wnut17"))
DEFAULT_MODEL = Path.home() / ".cache" / "pasta-studio" / "models" / "all-MiniLM-L6-v2"
# bench/wnut17.ts's order, and src/core/data/alignment.ts's iob2Labels: O, then B-/I- per entity type.
ENTITY_LABELS = ["corporation", "creative-work", "group", "location", "person", "product"]
ID2LABEL = ["O", *[f"{prefix}-{label}" for label in ENTITY_LABELS for prefix in ("B", "I")]]
DEFAULT_LR = {"full": 5e-5, "pasta": 3e-3}
NUM_SLOTS = 2  # [CLS] and [SEP]: main_ner.py's NUM_SPECIAL_TOKENS
IGNORE_INDEX = -100
EVAL_BATCH = 64


class InputError(Exception):
    """Bad input, reported as one line naming the file and line."""

    def __init__(self, file: str | Path, line: int | None, problem: str):
        super().__init__(f"{file}{'' if line is None else f':{line}'}: {problem}")


# ---- CoNLL reading (the semantics of src/core/data/formats/conll.ts and tagSchemes.ts, IOB2 only) ----

@dataclass
class Sentence:
    words: list[str]
    tags: list[str]
    lines: list[int]


def parse_tag(tag: str) -> tuple[str, str] | None:
    if tag == "O":
        return ("O", "")
    if len(tag) < 3 or tag[1] != "-" or tag[0] not in "BI":
        return None
    return (tag[0], tag[2:])


def can_follow(previous: str, tag: str) -> bool:
    p, t = parse_tag(previous), parse_tag(tag)
    if p is None or t is None:
        return False
    return t[0] != "I" or (p[0] in "BI" and p[1] == t[1])


def repair_iob2(tags: list[str]) -> list[str]:
    """An I-x that continues nothing starts an entity, as conlleval reads it."""
    return [f"B-{tag[2:]}" if tag.startswith("I-") and not can_follow("O" if i == 0 else tags[i - 1], tag) else tag
            for i, tag in enumerate(tags)]


def choose_alternatives(alternatives: list[list[str]]) -> list[str]:
    """The valid sequence that prefers earlier alternatives at earlier tokens (the first ones if none is valid)."""
    if all(len(options) == 1 for options in alternatives):
        return [options[0] for options in alternatives]
    n = len(alternatives)
    completes: list[list[bool]] = [[] for _ in range(n)]
    for i in range(n - 1, -1, -1):
        completes[i] = [i == n - 1 or any(completes[i + 1][k] and can_follow(tag, nxt) for k, nxt in enumerate(alternatives[i + 1]))
                        for tag in alternatives[i]]
    chosen: list[str] = []
    for i in range(n):
        previous = "O" if i == 0 else chosen[-1]
        k = next((k for k, tag in enumerate(alternatives[i]) if completes[i][k] and can_follow(previous, tag)), -1)
        if k < 0:
            return [options[0] for options in alternatives]
        chosen.append(alternatives[i][k])
    return chosen


def read_conll(path: Path, multi_tag: str = "error", strict: bool = True) -> list[Sentence]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, None, f"cannot be read as UTF-8 text ({error})") from None
    sentences: list[Sentence] = []
    words: list[str] = []
    alternatives: list[list[str]] = []
    lines: list[int] = []
    column_count: tuple[int, int] | None = None

    def finish() -> None:
        if words:
            tags = choose_alternatives(alternatives)
            for i, tag in enumerate(tags):
                if parse_tag(tag) is None:
                    raise InputError(path, lines[i], f'tag "{tag}" is neither O nor B- or I-<label> (scheme IOB2)')
                if strict and not can_follow("O" if i == 0 else tags[i - 1], tag):
                    previous = "O" if i == 0 else tags[i - 1]
                    raise InputError(path, lines[i], f'tag "{tag}" follows "{previous}": {tag} must continue a {tag[2:]} entity')
            sentences.append(Sentence(list(words), tags if strict else repair_iob2(tags), list(lines)))
        words.clear()
        alternatives.clear()
        lines.clear()

    for number, row in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        row = row.removesuffix("\r")
        if not row.strip():
            finish()
            continue
        cells = row.split("\t") if "\t" in row else row.strip().split()
        if cells[0] == "-DOCSTART-":
            finish()
            continue
        if column_count is None:
            column_count = (len(cells), number)
        elif len(cells) != column_count[0]:
            raise InputError(path, number, f"found {len(cells)} columns where line {column_count[1]} has {column_count[0]}")
        if len(cells) < 2:
            raise InputError(path, number, f"expected a token and a tag, found {len(cells)} column")
        if not cells[0] or any(c.isspace() for c in cells[0]):
            raise InputError(path, number, f'token "{cells[0]}" is empty or contains whitespace')
        tag = cells[-1].strip()
        if not tag:
            raise InputError(path, number, "the tag column is empty")
        options = tag.split(",") if "," in tag else [tag]
        if len(options) > 1 and not all(parse_tag(t) for t in options):
            options = [tag]  # a label with a comma in it, not a list of tags
        if len(options) > 1 and multi_tag != "first":
            raise InputError(path, number, f'tag "{tag}" holds {len(options)} tags (read with multiTag first to keep the first)')
        for option in options:
            parsed = parse_tag(option)
            if parsed is not None and parsed[1] and parsed[1] not in ENTITY_LABELS:
                raise InputError(path, number, f'tag "{option}" has a label outside WNUT-17\'s {", ".join(ENTITY_LABELS)}')
        words.append(cells[0])
        alternatives.append(options)
        lines.append(number)
    finish()
    if not sentences:
        raise InputError(path, None, "holds no sentences")
    return sentences


# ---- Encoding and batching ----

@dataclass
class Encoded:
    input_ids: list[int]
    labels: list[int]
    # Position of each word's first piece, -1 where the word got no piece or was cut off by max length.
    first_piece: list[int]
    gold: list[str]


def encode(sentences: list[Sentence], tokenizer, max_length: int) -> tuple[list[Encoded], int]:
    label_ids = {label: i for i, label in enumerate(ID2LABEL)}
    encoded: list[Encoded] = []
    truncated = 0
    for sentence in sentences:
        pieces = tokenizer(sentence.words, is_split_into_words=True)
        if len(pieces["input_ids"]) > max_length:
            truncated += 1
            pieces = tokenizer(sentence.words, is_split_into_words=True, truncation=True, max_length=max_length)
        first_piece = [-1] * len(sentence.words)
        labels = [IGNORE_INDEX] * len(pieces["input_ids"])
        for position, word in enumerate(pieces.word_ids()):
            if word is not None and first_piece[word] < 0:
                first_piece[word] = position
                labels[position] = label_ids[sentence.tags[word]]
        encoded.append(Encoded(pieces["input_ids"], labels, first_piece, sentence.tags))
    return encoded, truncated


def length_buckets(examples: list[Encoded], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length: sort within chunks of 50 batches, then shuffle the batches."""
    order = list(range(len(examples)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start:start + chunk], key=lambda i: len(examples[i].input_ids))
        batches.extend(part[k:k + batch_size] for k in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


def collate(examples: list[Encoded], indices: list[int], pad_id: int):
    import torch

    width = max(len(examples[i].input_ids) for i in indices)
    input_ids = torch.full((len(indices), width), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(indices), width), dtype=torch.long)
    labels = torch.full((len(indices), width), IGNORE_INDEX, dtype=torch.long)
    for row, i in enumerate(indices):
        n = len(examples[i].input_ids)
        input_ids[row, :n] = torch.tensor(examples[i].input_ids)
        attention_mask[row, :n] = 1
        labels[row, :n] = torch.tensor(examples[i].labels)
    return input_ids, attention_mask, labels


# ---- Models: one call signature for both modes ----

class Runner:
    def __init__(self, mode: str, model_dir: Path, tokenizer):
        from transformers import AutoModelForTokenClassification
        from pasta_reference import PastaModel, slot_token_ids

        self.mode = mode
        if mode == "full":
            self.model = AutoModelForTokenClassification.from_pretrained(
                model_dir, num_labels=len(ID2LABEL), id2label=dict(enumerate(ID2LABEL)),
                label2id={label: i for i, label in enumerate(ID2LABEL)}, attn_implementation="sdpa")
        else:
            self.model = PastaModel.from_pretrained(str(model_dir), "token", len(ID2LABEL), NUM_SLOTS,
                                                    freeze_base=True, attn_implementation="sdpa")
            self.slot_ids = slot_token_ids(tokenizer)

    def trainable(self):
        return [p for p in self.model.parameters() if p.requires_grad]

    def __call__(self, input_ids, attention_mask, labels=None):
        if self.mode == "full":
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, labels=labels)
            return out.logits, out.loss
        from pasta_reference import special_positions

        positions = special_positions(input_ids, attention_mask, self.slot_ids, NUM_SLOTS)
        out = self.model(input_ids, attention_mask, positions, labels=labels)
        return out.logits, out.loss


def viterbi_iob2(log_probs) -> list[int]:
    """The most probable tag sequence in which every I-x follows B-x or I-x (log_probs: words x tags)."""
    import numpy as np

    allowed = np.array([[not b.startswith("I-") or a[2:] == b[2:] and a != "O" for b in ID2LABEL] for a in ID2LABEL])
    can_start = np.array([not tag.startswith("I-") for tag in ID2LABEL])
    score = np.where(can_start, log_probs[0], -np.inf)
    back = []
    for row in log_probs[1:]:
        candidates = np.where(allowed, score[:, None], -np.inf)
        back.append(candidates.argmax(0))
        score = candidates.max(0) + row
    tags = [int(score.argmax())]
    for pointers in reversed(back):
        tags.append(int(pointers[tags[-1]]))
    return tags[::-1]


def evaluate(runner: Runner, examples: list[Encoded], pad_id: int) -> dict:
    """Entity scores with each word's most probable tag (the reference's decoding) and with valid-IOB2 Viterbi."""
    import torch
    from seqeval.metrics import f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    runner.model.eval()
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].input_ids))
    predicted = {"argmax": [[] for _ in examples], "viterbi": [[] for _ in examples]}
    outside = torch.log(torch.tensor([1.0 if tag == "O" else 1e-30 for tag in ID2LABEL]))
    with torch.inference_mode():
        for start in range(0, len(order), EVAL_BATCH):
            indices = order[start:start + EVAL_BATCH]
            input_ids, attention_mask, _ = collate(examples, indices, pad_id)
            log_probs = torch.log_softmax(runner(input_ids, attention_mask)[0].float(), -1)
            for row, i in enumerate(indices):
                words = torch.stack([log_probs[row, p] if p >= 0 else outside for p in examples[i].first_piece])
                predicted["argmax"][i] = repair_iob2([ID2LABEL[k] for k in words.argmax(-1).tolist()])
                predicted["viterbi"][i] = [ID2LABEL[k] for k in viterbi_iob2(words.numpy())]
    gold = [e.gold for e in examples]
    scoring = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
    return {decoding: {"f1": f1_score(gold, tags, **scoring), "precision": precision_score(gold, tags, **scoring),
                       "recall": recall_score(gold, tags, **scoring)} for decoding, tags in predicted.items()}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("full", "pasta"), required=True)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, help="default 5e-5 (full), 3e-3 (pasta)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--warmup-ratio", type=float, default=0.1)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="a local Hugging Face model folder")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with train/dev/test.conll")
    parser.add_argument("--decoding", choices=("argmax", "viterbi"), default="argmax",
                        help="word tags for dev selection and the reported test F1: each word's most probable tag "
                             "(the reference's) or the most probable valid IOB2 sequence (PASTA Studio's)")
    parser.add_argument("--limit", type=int, help="use only the first N sentences of each split (a smoke run)")
    args = parser.parse_args()
    if args.epochs < 1 or args.threads < 1 or args.batch_size < 1 or args.max_length < 8:
        parser.error("--epochs, --threads and --batch-size must be at least 1, --max-length at least 8")
    if not (args.model / "config.json").is_file():
        print(f"error: {args.model}: no config.json (pass --model with a Hugging Face model folder)", file=sys.stderr)
        return 1
    lr = args.lr if args.lr is not None else DEFAULT_LR[args.mode]

    try:
        train_sentences = read_conll(args.data / "train.conll")
        dev_sentences = read_conll(args.data / "dev.conll")
        test_sentences = read_conll(args.data / "test.conll", multi_tag="first", strict=False)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.limit:
        train_sentences, dev_sentences, test_sentences = (s[:args.limit] for s in (train_sentences, dev_sentences, test_sentences))

    import torch
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # the "newly initialized classifier" notice is expected here
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    torch.manual_seed(args.seed)

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    pad_id = tokenizer.pad_token_id
    (train, _), (dev, dev_cut), (test, test_cut) = (encode(s, tokenizer, args.max_length)
                                                    for s in (train_sentences, dev_sentences, test_sentences))
    log(f"{len(train)} train, {len(dev)} dev ({dev_cut} cut at {args.max_length} pieces), "
        f"{len(test)} test ({test_cut} cut) sentences; mode {args.mode}, lr {lr}, threads {args.threads}")

    runner = Runner(args.mode, args.model, tokenizer)
    parameters = runner.trainable()
    log(f"{sum(p.numel() for p in parameters):,} trainable parameters")
    optimizer = torch.optim.AdamW(parameters, lr=lr, weight_decay=0.0)
    steps_per_epoch = (len(train) + args.batch_size - 1) // args.batch_size
    total_steps = steps_per_epoch * args.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, round(args.warmup_ratio * total_steps), total_steps)
    rng = random.Random(args.seed)

    best: dict = {"f1": -1.0, "epoch": 0, "test": None}
    epoch_seconds: list[float] = []
    dev_history: list[float] = []
    for epoch in range(1, args.epochs + 1):
        runner.model.train()
        started = time.perf_counter()
        losses: list[float] = []
        for step, indices in enumerate(length_buckets(train, args.batch_size, rng), start=1):
            input_ids, attention_mask, labels = collate(train, indices, pad_id)
            loss = runner(input_ids, attention_mask, labels)[1]
            if not torch.isfinite(loss):
                log(f"error: the loss is {loss.item()} at epoch {epoch} step {step}; try a lower --lr")
                return 2
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
            if step % 50 == 0:
                log(f"epoch {epoch} step {step}/{steps_per_epoch}: loss {statistics.fmean(losses[-50:]):.4f}, "
                    f"{time.perf_counter() - started:.0f} s")
        epoch_seconds.append(time.perf_counter() - started)
        dev_scores = evaluate(runner, dev, pad_id)[args.decoding]
        dev_history.append(dev_scores["f1"])
        is_best = dev_scores["f1"] > best["f1"]
        log(f"epoch {epoch}: train loss {statistics.fmean(losses):.4f}, dev F1 {100 * dev_scores['f1']:.2f} "
            f"(P {100 * dev_scores['precision']:.2f} R {100 * dev_scores['recall']:.2f}){' best' if is_best else ''}, "
            f"{epoch_seconds[-1]:.1f} s training")
        if is_best:
            # Scored now rather than from a saved copy at the end, so that a run cut short still has its test F1.
            test_both = evaluate(runner, test, pad_id)
            best = {"f1": dev_scores["f1"], "epoch": epoch, "test": test_both[args.decoding], "test_both": test_both}
            test_scores = best["test"]
            log(f"epoch {epoch}: test F1 {100 * test_scores['f1']:.2f} (P {100 * test_scores['precision']:.2f} "
                f"R {100 * test_scores['recall']:.2f})")

    test_scores = best["test"]
    print(json.dumps({
        "bench": "reference-train-wnut17",
        "unit": "entity F1 (seqeval strict IOB2)",
        "model": args.model.name,
        "mode": args.mode,
        "dev_f1": round(best["f1"], 4),
        "test_f1": round(test_scores["f1"], 4),
        "test_precision": round(test_scores["precision"], 4),
        "test_recall": round(test_scores["recall"], 4),
        "decoding": args.decoding,
        "test_f1_argmax": round(best["test_both"]["argmax"]["f1"], 4),
        "test_f1_viterbi": round(best["test_both"]["viterbi"]["f1"], 4),
        "best_epoch": best["epoch"],
        "epochs": args.epochs,
        "dev_f1_per_epoch": [round(f, 4) for f in dev_history],
        "seconds_per_epoch": round(statistics.median(epoch_seconds), 1),
        "threads": args.threads,
        "lr": lr,
        "train_sentences": len(train),
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
