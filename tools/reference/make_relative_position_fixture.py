"""Write DeBERTa's log-bucketed relative positions as transformers computes them (test/fixtures/deberta-relative-positions.json).

Usage:  python make_relative_position_fixture.py
For each (position_buckets, max_relative_positions) pair, make_log_bucket_position of every distance in
[-2047, 2047]: the product's float32 re-implementation (src/core/graph/relativePositions.ts) is tested against it.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
import transformers
from transformers.models.deberta_v2.modeling_deberta_v2 import make_log_bucket_position

OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "deberta-relative-positions.json"
# deberta-v3-base/large/xsmall (256, 512), the golden tiny model (8, 64), and two others with other ratios.
SETTINGS = [(256, 512), (8, 64), (32, 128), (128, 1024), (64, 100)]
SPAN = 2047


def main() -> None:
    distances = torch.arange(-SPAN, SPAN + 1)
    cases = [{"position_buckets": buckets, "max_relative_positions": max_position, "first_distance": -SPAN,
              "buckets": make_log_bucket_position(distances, buckets, max_position).to(torch.long).tolist()}
             for buckets, max_position in SETTINGS]
    document = {"generated_by": "tools/reference/make_relative_position_fixture.py",
                "versions": {"torch": torch.__version__, "transformers": transformers.__version__}, "cases": cases}
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
