"""Tiny random encoders of each family, saved as Hugging Face model folders for the golden fixtures.

Each folder holds config.json, model.safetensors (written by save_pretrained from the family's
pre-training class, so the keys carry the family prefix as real checkpoints do) and a tokenizer.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from transformers import (
    BertConfig,
    BertForPreTraining,
    BertTokenizer,
    DebertaV2Config,
    DebertaV2ForMaskedLM,
    DistilBertConfig,
    DistilBertForMaskedLM,
    ElectraConfig,
    ElectraForPreTraining,
    ModernBertConfig,
    ModernBertForMaskedLM,
    RobertaConfig,
    RobertaForMaskedLM,
    RobertaTokenizer,
)
from transformers.convert_slow_tokenizer import bytes_to_unicode

FAMILIES = ("bert", "roberta", "distilbert", "electra", "deberta-v3", "deberta-v2", "modernbert", "modernbert-biased")

REPO_ROOT = Path(__file__).resolve().parents[2]
# DeBERTa-v3's tokenizer: a SentencePiece Unigram model trained here and converted by transformers'
# DebertaV2Converter (make_sentencepiece_fixtures.py).
DEBERTA_TOKENIZER = REPO_ROOT / "test" / "fixtures" / "tokenizers" / "unigram-deberta-v3-converter"

# Small enough that each folder stays well under 200 KB; the larger initializer_range than HF's 0.02
# makes attention far from uniform, so a wrong mask or position shows up in the goldens.
HIDDEN = 32
LAYERS = 2
HEADS = 4
INTERMEDIATE = 64
MAX_POSITIONS = 64
INIT_RANGE = 0.2

WORDPIECE_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BPE_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]

# Whole words the tiny vocabularies know; anything else falls back to sub-words (and [UNK] for
# characters outside the alphabet), so the fixtures exercise both paths.
KNOWN_WORDS = [
    "the", "quick", "brown", "fox", "jump", "paris", "is", "lovely", "in", "spring", "hello", "world",
    "anna", "met", "bob", "at", "old", "station", "yesterday", "it", "rain", "who", "wrote", "this",
    "did", "lives", "rome", "italy", "streets", "are", "wet", "new", "york", "city",
]


def wordpiece_vocab() -> list[str]:
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    digits = [str(d) for d in range(10)]
    punctuation = list(".,!?'-:;()")
    suffixes = ["##s", "##ing", "##ed", "##y", "##er"]
    return (WORDPIECE_SPECIALS + punctuation + digits + letters + ["##" + c for c in letters]
            + suffixes + KNOWN_WORDS)


def byte_level_bpe() -> tuple[dict[str, int], list[str]]:
    """The 256 byte symbols plus left-to-right merges spelling each known word with its leading space."""
    vocab: dict[str, int] = {}
    for token in BPE_SPECIALS + sorted(bytes_to_unicode().values()):
        vocab.setdefault(token, len(vocab))
    merges: list[str] = []
    byte_of = bytes_to_unicode()
    for word in KNOWN_WORDS + [w.capitalize() for w in ("paris", "anna", "bob", "rome", "italy", "hello", "the")]:
        symbols = [byte_of[b] for b in (" " + word).encode("utf-8")]
        merged = symbols[0]
        for symbol in symbols[1:]:
            merge = f"{merged} {symbol}"
            merged = merged + symbol
            if merge not in merges:
                merges.append(merge)
            vocab.setdefault(merged, len(vocab))
    return vocab, merges


def family_config(family: str, vocab_size: int, pad_token_id: int):
    common = dict(vocab_size=vocab_size, initializer_range=INIT_RANGE, pad_token_id=pad_token_id)
    if family == "bert":
        return BertConfig(hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                          intermediate_size=INTERMEDIATE, max_position_embeddings=MAX_POSITIONS,
                          type_vocab_size=2, **common)
    if family == "roberta":
        # RoBERTa numbers positions from padding_idx + 1, so it needs two extra rows (514 in roberta-base).
        return RobertaConfig(hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                             intermediate_size=INTERMEDIATE, max_position_embeddings=MAX_POSITIONS + 2,
                             type_vocab_size=1, bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-5, **common)
    if family == "distilbert":
        return DistilBertConfig(dim=HIDDEN, n_layers=LAYERS, n_heads=HEADS, hidden_dim=INTERMEDIATE,
                                max_position_embeddings=MAX_POSITIONS, **common)
    if family == "deberta-v3":
        # As microsoft/deberta-v3-base: no absolute positions or token types, log-bucketed relative positions
        # with shared projections and normalised relative embeddings. Few buckets and a short max distance, so
        # that the golden sentences reach the logarithmic buckets.
        return DebertaV2Config(hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                               intermediate_size=INTERMEDIATE, max_position_embeddings=MAX_POSITIONS,
                               type_vocab_size=0, layer_norm_eps=1e-7, relative_attention=True,
                               position_biased_input=False, pos_att_type=["p2c", "c2p"], max_relative_positions=-1,
                               position_buckets=8, norm_rel_ebd="layer_norm", share_att_key=True, **common)
    if family == "deberta-v2":
        # The other branches of DebertaV2Config: absolute positions and token types, a narrower embedding with
        # embed_proj, own position projections, plain (unbucketed) relative distances up to 6, no LayerNorm on them.
        return DebertaV2Config(hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                               intermediate_size=INTERMEDIATE, max_position_embeddings=MAX_POSITIONS,
                               type_vocab_size=2, embedding_size=HIDDEN // 2, layer_norm_eps=1e-7,
                               relative_attention=True, position_biased_input=True, pos_att_type="c2p|p2c",
                               max_relative_positions=6, position_buckets=-1, share_att_key=False, **common)
    if family.startswith("modernbert"):
        # As answerdotai/ModernBERT-base (global attention every third layer from layer 0, two rotary bases, no
        # biases), with 3 layers so that a sliding layer sits between two global ones, and a window of 8
        # (keys at most 4 away) that the golden sentences exceed. modernbert-biased has every optional bias.
        biased = family == "modernbert-biased"
        return ModernBertConfig(hidden_size=HIDDEN, num_hidden_layers=3, num_attention_heads=HEADS,
                                intermediate_size=48, max_position_embeddings=MAX_POSITIONS, global_attn_every_n_layers=2,
                                local_attention=8, global_rope_theta=160_000.0, local_rope_theta=10_000.0,
                                norm_bias=biased, attention_bias=biased, mlp_bias=biased, cls_token_id=2, sep_token_id=3,
                                bos_token_id=2, eos_token_id=3, **common)
    if family == "electra":
        return ElectraConfig(embedding_size=HIDDEN // 2, hidden_size=HIDDEN, num_hidden_layers=LAYERS,
                             num_attention_heads=HEADS, intermediate_size=INTERMEDIATE,
                             max_position_embeddings=MAX_POSITIONS, type_vocab_size=2, **common)
    raise ValueError(f"unknown family {family!r}")


PRETRAINING_CLASS = {
    "bert": BertForPreTraining,  # as bert-base-*: keeps the pooler, adds the MLM and NSP heads
    "roberta": RobertaForMaskedLM,  # as roberta-base: no pooler
    "distilbert": DistilBertForMaskedLM,
    "electra": ElectraForPreTraining,  # as google/electra-*-discriminator
    "deberta-v3": DebertaV2ForMaskedLM,
    "deberta-v2": DebertaV2ForMaskedLM,
    "modernbert": ModernBertForMaskedLM,
    "modernbert-biased": ModernBertForMaskedLM,
}


def randomize_(model: torch.nn.Module, generator: torch.Generator, init_range: float) -> None:
    """Every weight random, LayerNorm gains near 1 and biases non-zero, so no parameter can be skipped unnoticed."""
    with torch.no_grad():
        for name, param in model.named_parameters():
            noise = torch.randn(param.shape, generator=generator)
            is_norm = "LayerNorm" in name or "layer_norm" in name or name.endswith("norm.weight")
            if is_norm and name.endswith("weight"):
                param.copy_(1.0 + 0.1 * noise)
            elif name.endswith("bias"):
                param.copy_(0.1 * noise)
            else:
                param.copy_(init_range * noise)


def build_tiny_model(family: str, folder: Path, seed: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if family.startswith("deberta"):
        for name in ("tokenizer.json", "tokenizer_config.json"):
            shutil.copyfile(DEBERTA_TOKENIZER / name, folder / name)
        tokenizer = None
        tokenizer_json = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
        vocab_size = max(token["id"] for token in tokenizer_json["added_tokens"]) + 1
        pad_id = next(token["id"] for token in tokenizer_json["added_tokens"] if token["content"] == "[PAD]")
    elif family == "roberta":
        vocab, merges = byte_level_bpe()
        tokenizer = RobertaTokenizer(vocab=vocab, merges=[tuple(m.split(" ")) for m in merges])
        (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
        vocab_size, pad_id = len(vocab), vocab["<pad>"]
    else:
        tokens = wordpiece_vocab()
        vocab = {token: i for i, token in enumerate(tokens)}
        tokenizer = BertTokenizer(vocab=vocab, do_lower_case=True)
        (folder / "vocab.txt").write_text("\n".join(tokens) + "\n", encoding="utf-8")
        vocab_size, pad_id = len(tokens), vocab["[PAD]"]
    if tokenizer is not None:
        tokenizer.model_max_length = MAX_POSITIONS
        tokenizer.save_pretrained(str(folder))

    config = family_config(family, vocab_size, pad_id)
    torch.manual_seed(seed)
    model = PRETRAINING_CLASS[family](config)
    generator = torch.Generator().manual_seed(seed)
    randomize_(model, generator, INIT_RANGE)
    model.tie_weights()
    model.save_pretrained(str(folder), safe_serialization=True)
