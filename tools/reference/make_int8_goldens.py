"""Golden outputs of the int8 frozen base (test/fixtures/golden-int8/): a fake-quantised PyTorch reference.

Every nn.Linear of the base (but DeBERTa's and ModernBERT's attention output projection) becomes the product onnxruntime's
DynamicQuantizeMatMul computes, with the rounding of the product's int8 graphs (src/core/graph/ops/quantized.ts):
  weights  per output channel, symmetric: s_n = max|W_n| / 127, Q = round_half_even(W / s) in [-127, 127]
  input    per row: each row r of x divided by m_r = max|x_r| (at least 2^-126), then per tensor, uint8
           asymmetric as DynamicQuantizeLinear: the range [min(0, x), max(0, x)] over 255
           steps, zero point round_half_even(-min / scale), q = clip(round_half_even(x / scale) + zp, 0, 255)
  forward  y = ((q - zp) Q^T * (scale_x * s)) * m_r + b, the integer sums exact (float64 here, int32 in the kernel)
  backward dx = dy W with W quantised again, per input channel (column): s'_k = max|W_:k| / 127, W = Q' diag(s'),
           dx = ((dy / m) Q' * (scale_dy * s')) * m, dy quantised per row as x is (m_r = max|dy_r|, at least
           2^-126); where the graph splits a fused weight into parts (ModernBERT's Wqkv into query, key and value, Wi
           into input and gate), one product per part, each part of dy and of W quantised on its own, summed
DeBERTa's attention output projection (attention.output.dense) and ModernBERT's (attn.Wo) stay float32, as in the
graphs (attentionOutputPrecision in src/core/graph/encoder.ts); the BERT family's is int8 like the rest.
Everything else (embeddings, softmax, LayerNorm, the PASTA vectors, the head, the loss) is float32 too.
Reuses each golden case's inputs and parameters (test/fixtures/golden/<case>/case.json and golden.safetensors);
writes <out>/<case>/golden.safetensors with logits, loss and the gradients of the vectors and the head, and for
each of them `sensitivity.<name>`: the largest change of that output, relative to its scale, when the PASTA vectors
move by float32 rounding (scaled by 1 +- 2e-7, 1 +- 6e-7 and 1 +- 2e-6) or when the float32 Linears round their
products otherwise (computed in float64, forward and backward, then rounded to float32). An input that lands near a
quantisation boundary rounds to the other uint8 step after such a move, so this is how far two correct
implementations that round their float32 arithmetic differently can lie apart; the product's test allows twice it.
Those moves need not reach every input that lies within float32 rounding of a rounding tie (TIE_BAND), and one such
input rounded the other way can move an output by far more than they measure (a step in a per-tensor quantised
gradient re-rounds what follows). So the file also holds `tie.<k>.<name>`: the outputs with the k-th such input (of
those that reach an output, of the --max-ties nearest) rounded to its other neighbour; the product's test accepts the
outputs or any tie.<k>.

Usage:  python make_int8_goldens.py [--cases a,b] [--out DIR] [--minilm DIR] [--max-ties N]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from make_goldens import DEFAULT_OUT as FP32_GOLDENS, find_minilm, MINILM_NAME, sha256_of
from pasta_reference import PastaModel

DEFAULT_OUT = FP32_GOLDENS.parent / "golden-int8"


# An input this close to a rounding tie (in steps: TIE_BAND of the tensor's largest magnitude over its scale) can
# round to either neighbour in a correct float32 implementation. 1e-6 is above the largest difference measured
# between the product's and this reference's inputs of one product (6.2e-7 of the tensor's largest magnitude, in
# tiny-modernbert-biased-pair-token's layer-1 backward).
TIE_BAND = 1e-6


class TieRounding:
    """Counts the inputs within TIE_BAND of a tie, in the order the products quantise them, with each one's distance
    from its tie (over the tensor's largest magnitude, in steps), and rounds the `flip`-th of them to its other
    neighbour (none when flip is None)."""

    def __init__(self, flip: int | None = None):
        self.flip = flip
        self.count = 0
        self.distances: list[float] = []

    def round(self, v: torch.Tensor, largest_steps: torch.Tensor) -> torch.Tensor:
        rounded = torch.round(v)
        distance = (v - torch.floor(v) - 0.5).abs()
        near = (distance < TIE_BAND * largest_steps).flatten().nonzero().flatten()
        self.distances += (distance.flatten()[near] / largest_steps).tolist()
        if self.flip is not None and self.count <= self.flip < self.count + len(near):
            i = near[self.flip - self.count].item()
            flat, r = v.flatten(), rounded.flatten().clone()
            r[i] = torch.floor(flat[i]) if r[i] > flat[i] else torch.ceil(flat[i])
            rounded = r.reshape(v.shape)
        self.count += len(near)
        return rounded


tie_rounding = TieRounding()


def quantize_uint8(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """onnxruntime's DynamicQuantizeLinear on a float32 tensor: (q - zero point) as float64, and the scale."""
    low = torch.clamp(x.min(), max=0.0)
    high = torch.clamp(x.max(), min=0.0)
    scale = ((high - low) / 255).to(torch.float32)
    if scale.item() == 0:
        return torch.zeros_like(x, dtype=torch.float64), scale, torch.tensor(0.0)
    zero_point = torch.clamp(torch.round(-low / scale), 0, 255)
    q = torch.clamp(tie_rounding.round(x / scale, x.abs().max() / scale) + zero_point, 0, 255)
    return (q - zero_point).to(torch.float64), scale, zero_point


def quantize_weight(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per output channel (row), symmetric int8; an all-zero row gets scale 0 and zeros."""
    scale = (w.abs().amax(dim=1) / 127).to(torch.float32)
    safe = torch.where(scale == 0, torch.ones_like(scale), scale)
    q = torch.clamp(torch.round(w / safe[:, None]), -127, 127)
    q = torch.where(scale[:, None] == 0, torch.zeros_like(q), q)
    return q.to(torch.float64), scale


def quantize_weight_columns(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per input channel (column), symmetric int8: the backward's operand Q' [out, in] and its scales s' [in]."""
    q, scale = quantize_weight(w.T)
    return q.T.contiguous(), scale


def integer_product(a: torch.Tensor, q: torch.Tensor, column_scale: torch.Tensor) -> torch.Tensor:
    """a (float32, quantised per tensor here) times the int8 matrix q [k, n], dequantised per column."""
    qa, scale, _ = quantize_uint8(a)
    acc = qa @ q  # exact: |sum| < 2^53
    return (acc.to(torch.float32) * (scale * column_scale)).to(torch.float32)


def row_scaled_product(u: torch.Tensor, q: torch.Tensor, column_scale: torch.Tensor) -> torch.Tensor:
    """integer_product with u quantised per row: over each row's largest magnitude, the result's row times it."""
    m = torch.clamp(u.abs().amax(dim=-1, keepdim=True), min=2.0 ** -126)
    return (integer_product((u / m).to(torch.float32), q, column_scale) * m).to(torch.float32)


class Int8Product(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, q, scale, bias, columns):
        ctx.columns = columns
        y = row_scaled_product(x, q.T, scale)  # the parts' products share x's quantisation: one product
        return y if bias is None else y + bias

    @staticmethod
    def backward(ctx, grad_y):
        parts = grad_y.to(torch.float32).chunk(len(ctx.columns), dim=-1)
        grads = [row_scaled_product(g.contiguous(), q, s) for g, (q, s) in zip(parts, ctx.columns)]
        return sum(grads[1:], grads[0]), None, None, None, None


class FakeQuantLinear(nn.Module):
    def __init__(self, linear: nn.Linear, parts: int):
        super().__init__()
        weight = linear.weight.detach()
        q, scale = quantize_weight(weight)
        self.register_buffer("q", q)
        self.register_buffer("scale", scale)
        self.bias = None if linear.bias is None else linear.bias.detach()
        self.columns = [quantize_weight_columns(part) for part in weight.chunk(parts, dim=0)]

    def forward(self, x):
        return Int8Product.apply(x, self.q, self.scale, self.bias, self.columns)


# The fused weights the product's graphs split into separate products (src/core/graph/modernBert.ts).
SPLIT_PARTS = {"Wqkv": 3, "Wi": 2}


# The Linears kept float32, per model type (attentionOutputPrecision in src/core/graph/encoder.ts).
FLOAT32_LINEARS = {"deberta-v2": ("attention.output.dense",), "modernbert": ("attn.Wo",)}


class Float64Linear(nn.Module):
    """A float32 Linear computed in float64 and rounded back (forward and backward): the same product rounded otherwise."""

    def __init__(self, linear: nn.Linear):
        super().__init__()
        self.linear = linear

    def forward(self, x):
        bias = None if self.linear.bias is None else self.linear.bias.double()
        return nn.functional.linear(x.double(), self.linear.weight.double(), bias).float()


def quantize_base(base: nn.Module, float64_kept: bool = False) -> int:
    count = 0
    kept_float32 = FLOAT32_LINEARS.get(base.config.model_type, ())
    for name, module in list(base.named_modules()):
        for child_name, child in list(module.named_children()):
            if not isinstance(child, nn.Linear):
                continue
            if not f"{name}.{child_name}".endswith(kept_float32):
                setattr(module, child_name, FakeQuantLinear(child, SPLIT_PARTS.get(child_name, 1)))
                count += 1
            elif float64_kept:
                setattr(module, child_name, Float64Linear(child))
    return count


OUTPUTS = ("logits", "loss", "grad.pasta_vectors", "grad.classifier.weight", "grad.classifier.bias")
PERTURBATIONS = (2e-7, -2e-7, 6e-7, -6e-7, 2e-6, -2e-6)


def run_int8(case: dict, model_dir: Path, golden: dict, vector_scale: float, float64_kept: bool = False,
             ties: TieRounding | None = None) -> dict:
    global tie_rounding
    tie_rounding = ties or TieRounding()
    try:
        return run_int8_model(case, model_dir, golden, vector_scale, float64_kept)
    finally:
        tie_rounding = TieRounding()


def run_int8_model(case: dict, model_dir: Path, golden: dict, vector_scale: float, float64_kept: bool) -> dict:
    model = PastaModel.from_pretrained(str(model_dir), case["task"], case["num_labels"], case["num_slots"]).eval()
    with torch.no_grad():
        model.pasta_vectors.copy_(golden["pasta_vectors"] * vector_scale)
        model.classifier.weight.copy_(golden["classifier.weight"])
        model.classifier.bias.copy_(golden["classifier.bias"])
    quantize_base(model.base, float64_kept)
    inputs = {"input_ids": torch.tensor(case["input_ids"]), "attention_mask": torch.tensor(case["attention_mask"])}
    if case["token_type_ids"] is not None:
        inputs["token_type_ids"] = torch.tensor(case["token_type_ids"])
    output = model(special_positions=torch.tensor(case["special_positions"]), labels=torch.tensor(case["labels"]), **inputs)
    output.loss.backward()
    tensors = {"logits": output.logits.detach(), "loss": output.loss.detach().reshape(1),
               "grad.pasta_vectors": model.pasta_vectors.grad, "grad.classifier.weight": model.classifier.weight.grad,
               "grad.classifier.bias": model.classifier.bias.grad}
    return {k: v.to(torch.float32).contiguous() for k, v in tensors.items()}


def relative(a: torch.Tensor, b: torch.Tensor) -> float:
    return (a - b).abs().max().item() / max(b.abs().max().item(), 1e-30)


def run_case(case_file: Path, out: Path, minilm_dir: Path | None, max_ties: int) -> str:
    case = json.loads(case_file.read_text(encoding="utf-8"))
    if case["model"] == MINILM_NAME:
        if minilm_dir is None:
            return f"skip {case['name']}: {MINILM_NAME} not found"
        model_dir = minilm_dir
    else:
        model_dir = (case_file.parent / case["model"]).resolve()
    if sha256_of(model_dir / "model.safetensors") != case["model_sha256"]:
        raise SystemExit(f"{case['name']}: {model_dir}/model.safetensors differs from the one the case was made with")
    golden = load_file(str(case_file.parent / "golden.safetensors"))
    ties = TieRounding()
    tensors = run_int8(case, model_dir, golden, 1.0, ties=ties)
    moved = [run_int8(case, model_dir, golden, 1.0 + eps) for eps in PERTURBATIONS]
    moved.append(run_int8(case, model_dir, golden, 1.0, float64_kept=True))
    for name in OUTPUTS:
        tensors[f"sensitivity.{name}"] = torch.tensor([max(relative(m[name], tensors[name]) for m in moved)], dtype=torch.float32)
    variants = 0
    # all-MiniLM-L6-v2's cases have 700-850 such inputs at seconds a run: the nearest are the likeliest to round apart.
    nearest = sorted(sorted(range(ties.count), key=ties.distances.__getitem__)[:max_ties])
    for flip in nearest:
        variant = run_int8(case, model_dir, golden, 1.0, ties=TieRounding(flip))
        if all(torch.equal(variant[name], tensors[name]) for name in OUTPUTS):
            continue  # that input reaches no output
        tensors.update({f"tie.{variants}.{name}": variant[name] for name in OUTPUTS})
        variants += 1
    (out / case["name"]).mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out / case["name"] / "golden.safetensors"))
    drift = (tensors["logits"] - golden["logits"]).abs().max().item() / golden["logits"].abs().max().item()
    sensitivity = ", ".join(f"{name} {tensors[f'sensitivity.{name}'].item():.2g}" for name in OUTPUTS)
    return (f"ok   {case['name']}: logits differ from float32 by {drift:.3g} of their scale; sensitivity {sensitivity}; "
            f"{ties.count} inputs within rounding of a tie, the {len(nearest)} nearest rounded the other way, {variants} of those "
            "reach an output")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="int8 golden folder (default: %(default)s)")
    parser.add_argument("--cases", help="comma list of case names (default: every case in the float32 goldens)")
    parser.add_argument("--max-ties", type=int, default=64,
                        help="round at most this many near-tie inputs the other way, the nearest (default: %(default)s)")
    parser.add_argument("--minilm", help=f"local folder of {MINILM_NAME} (default: the pasta-studio cache)")
    args = parser.parse_args()
    torch.use_deterministic_algorithms(True)
    minilm_dir = find_minilm(args.minilm) if args.minilm else next(
        (p for p in [Path.home() / ".cache" / "pasta-studio" / "models" / MINILM_NAME] if (p / "model.safetensors").is_file()), None)
    names = args.cases.split(",") if args.cases else sorted(p.parent.name for p in FP32_GOLDENS.glob("*/case.json"))
    for name in names:
        print(run_case(FP32_GOLDENS / name / "case.json", Path(args.out), minilm_dir, args.max_ties), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
