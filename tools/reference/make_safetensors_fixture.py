"""A safetensors file written by the reference implementation (safetensors.torch.save_file) in every dtype our
reader converts, plus the values torch reads back from it as float64, for test/unit/model/pythonWritten.test.ts.

Usage: python tools/reference/make_safetensors_fixture.py [OUT_DIR]   (default test/fixtures/model)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def tensors() -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(20261130)
    base = torch.randn(3, 5, generator=gen, dtype=torch.float32) * 3
    # Values that probe rounding and the edges of each format: subnormals, the largest finite, infinities, -0.
    edges = torch.tensor([0.0, -0.0, 1.0, -2.0, 65504.0, 70000.0, 6.0e-8, 1.0e-5, 3.0e-41, float("inf"), float("-inf")])
    return {
        "f32.random": base,
        "f16.random": base.to(torch.float16),
        "bf16.random": base.to(torch.bfloat16),
        "f64.random": base.to(torch.float64),
        "f32.edges": edges,
        "f16.edges": edges.to(torch.float16),
        "bf16.edges": edges.to(torch.bfloat16),
        "i64.position_ids": torch.arange(7, dtype=torch.int64).unsqueeze(0),
        "i32.values": torch.tensor([-3, 0, 2**24], dtype=torch.int32),
        "i8.values": torch.tensor([-128, 127], dtype=torch.int8),
        "u8.values": torch.tensor([0, 255], dtype=torch.uint8),
        "bool.mask": torch.tensor([[True, False], [False, True]]),
        "f32.empty": torch.zeros(0, 4),
    }


def number(x: float) -> float | str:
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    if x == 0 and str(x).startswith("-"):
        return "-0"
    return x


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/model")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "python-written.safetensors"
    save_file(tensors(), str(path), metadata={"format": "pt", "written_by": "safetensors.torch.save_file"})
    expected = {
        name: {
            "dtype": str(t.dtype).replace("torch.", ""),
            "shape": list(t.shape),
            "values": [number(v) for v in t.to(torch.float64).reshape(-1).tolist()],
        }
        for name, t in load_file(str(path)).items()
    }
    (out / "python-written.json").write_text(json.dumps(expected, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes) and python-written.json")


if __name__ == "__main__":
    main()
