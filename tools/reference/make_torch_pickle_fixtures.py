"""pytorch_model.bin files written by torch.save, for the reader in src/core/model/torch/ (test/unit/model/torchPickle*.test.ts).

- deberta-v3-tiny/: a tiny DeBERTa-v3 (DebertaV2ForMaskedLM, as microsoft/deberta-v3-* are configured, vocabulary of
  the spm-deberta-v3 fixture) saved as transformers < 4.35 saved every checkpoint: torch.save(model.state_dict()),
  so the MLM decoder shares the word embeddings' storage. model.safetensors holds the same weights (the reference the
  reader must equal); pytorch_model.fp16.bin is the same state dict in float16.
- mixed.bin / mixed.json: float32, float16, bfloat16 and float64 storages, a view with a storage offset, tensors sharing
  one storage, an nn.Parameter, an empty tensor; the values torch reads back. mixed-protocol4.bin: the same state dict
  pickled with protocol 4 (FRAME, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL), which torch.save writes when asked.
- transposed.bin (a non-contiguous view), legacy.bin (the pre-1.6 non-zip format), big-endian.bin (byteorder
  "big"), malicious.bin and malicious-protocol4.bin (a torch.save zip whose data.pkl calls os.system, through GLOBAL
  and through STACK_GLOBAL): each must be refused.

Usage: python tools/reference/make_torch_pickle_fixtures.py [OUT_DIR]   (default test/fixtures/model/torch)
"""

from __future__ import annotations

import collections
import json
import pickle
import sys
import zipfile
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import DebertaV2Config, DebertaV2ForMaskedLM

from tiny_models import HEADS, HIDDEN, INIT_RANGE, INTERMEDIATE, LAYERS, MAX_POSITIONS, randomize_

SEED = 20261205
# spm-deberta-v3's 2,000 pieces and [MASK] after them, as in microsoft/deberta-v3-* (the tiny models' vocabulary).
VOCAB_SIZE = 2001


def tiny_deberta_v3() -> DebertaV2ForMaskedLM:
    config = DebertaV2Config(hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                             intermediate_size=INTERMEDIATE, max_position_embeddings=MAX_POSITIONS,
                             type_vocab_size=0, layer_norm_eps=1e-7, relative_attention=True,
                             position_biased_input=False, pos_att_type=["p2c", "c2p"], max_relative_positions=-1,
                             position_buckets=8, norm_rel_ebd="layer_norm", share_att_key=True,
                             vocab_size=VOCAB_SIZE, initializer_range=INIT_RANGE, pad_token_id=0)
    torch.manual_seed(SEED)
    model = DebertaV2ForMaskedLM(config)
    randomize_(model, torch.Generator().manual_seed(SEED), INIT_RANGE)
    model.tie_weights()
    return model.eval()


def write_deberta(out: Path) -> None:
    folder = out / "deberta-v3-tiny"
    folder.mkdir(parents=True, exist_ok=True)
    model = tiny_deberta_v3()
    model.config.to_json_file(str(folder / "config.json"))
    state = model.state_dict()
    storages = {t.untyped_storage().data_ptr() for t in state.values()}
    assert len(storages) < len(state), "the MLM decoder must share the word embeddings' storage"
    torch.save(state, folder / "pytorch_model.bin")
    torch.save({k: v.half() for k, v in state.items()}, folder / "pytorch_model.fp16.bin")
    save_file({k: v.clone().contiguous() for k, v in state.items()}, str(folder / "model.safetensors"), metadata={"format": "pt"})


def mixed_state() -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(SEED)
    base = torch.randn(4, 6, generator=gen)
    state = collections.OrderedDict()
    state["f32.matrix"] = base
    state["f32.same_storage"] = base  # the same tensor twice: one storage, read twice
    state["f32.row_view"] = base[2]  # storage offset 12
    state["f32.narrow"] = base[1:3]  # storage offset 6, contiguous
    state["f16.matrix"] = (base * 100).half()
    state["bf16.matrix"] = base.bfloat16()
    state["f64.vector"] = base[0].double()
    state["f32.scalar"] = torch.tensor(2.5)
    state["f32.empty"] = torch.zeros(0, 3)
    state["f32.parameter"] = torch.nn.Parameter(base[3].clone())
    state["i64.position_ids"] = torch.arange(5).unsqueeze(0)
    return state


def write_mixed(out: Path) -> None:
    state = mixed_state()
    torch.save(state, out / "mixed.bin")
    torch.save(state, out / "mixed-protocol4.bin", pickle_protocol=4)
    loaded = torch.load(out / "mixed.bin", weights_only=True)
    expected = {k: {"shape": list(v.shape), "values": v.detach().double().reshape(-1).tolist()} for k, v in loaded.items()}
    (out / "mixed.json").write_text(json.dumps(expected, separators=(",", ":")) + "\n")


class System:
    """Pickles as a call of os.system: what a hostile pytorch_model.bin carries."""

    def __reduce__(self):
        import os

        return (os.system, ("echo pwned > pwned.txt",))


def write_refused(out: Path) -> None:
    torch.save({"t": torch.arange(12.0).reshape(3, 4).t()}, out / "transposed.bin")
    torch.save({"w": torch.ones(2, 2)}, out / "legacy.bin", _use_new_zipfile_serialization=False)
    # The same archive as a real save, with byteorder "big" and with a data.pkl that calls os.system.
    torch.save({"w": torch.ones(2, 2)}, out / "clean.tmp")
    with zipfile.ZipFile(out / "clean.tmp") as clean:
        entries = [(info, clean.read(info)) for info in clean.infolist()]
    replacements = {
        "big-endian.bin": ("byteorder", b"big"),
        "malicious.bin": ("data.pkl", pickle.dumps({"w": System()}, protocol=2)),
        "malicious-protocol4.bin": ("data.pkl", pickle.dumps({"w": System()}, protocol=4)),
    }
    for name, (replace, replacement) in replacements.items():
        with zipfile.ZipFile(out / name, "w", compression=zipfile.ZIP_STORED) as dirty:
            for info, data in entries:
                stem = info.filename.split("/", 1)[1]
                if stem == replace:
                    data = replacement
                # A fixed timestamp, so that each run writes the same bytes.
                entry = zipfile.ZipInfo(info.filename.replace("clean", name.removesuffix(".bin")), date_time=(2026, 12, 5, 0, 0, 0))
                dirty.writestr(entry, data)
    (out / "clean.tmp").unlink()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/model/torch")
    out.mkdir(parents=True, exist_ok=True)
    write_deberta(out)
    write_mixed(out)
    write_refused(out)
    for path in sorted(out.rglob("*")):
        if path.is_file():
            print(f"{path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
