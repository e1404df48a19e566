"""PASTA (Yang et al., EACL 2023) on any Hugging Face BERT-family encoder: the reference the product is checked against.

The published code (luka-group/PASTA, PASTA_modeling.py) subclasses BertLayer; here forward pre-hooks on
each encoder layer do the same addition, so one class serves BertModel, RobertaModel, DistilBertModel,
ElectraModel, DebertaV2Model and ModernBertModel across transformers versions. See README.md for the published semantics this follows.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn
from transformers import AutoModel, PreTrainedTokenizerBase

Task = Literal["token", "sequence"]
IGNORE_INDEX = -100


def encoder_layers(base: nn.Module) -> nn.ModuleList:
    if hasattr(base, "encoder") and hasattr(base.encoder, "layer"):
        return base.encoder.layer  # BERT, RoBERTa, ELECTRA, DeBERTa-v2/v3
    if hasattr(base, "transformer") and hasattr(base.transformer, "layer"):
        return base.transformer.layer  # DistilBERT
    if hasattr(base, "layers"):
        return base.layers  # ModernBERT
    raise ValueError(f"{type(base).__name__}: no encoder layer list found (expected encoder.layer, transformer.layer or layers)")


def slot_token_ids(tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """The ids that mark sequence boundaries for this tokenizer: [CLS]/[SEP] or <s>/</s>, never pad, unk or mask."""
    ids = {tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.bos_token_id, tokenizer.eos_token_id}
    ids.discard(None)
    if not ids:
        raise ValueError(f"{type(tokenizer).__name__}: the tokenizer defines no cls/sep/bos/eos token")
    return sorted(ids)


def special_positions(input_ids: torch.Tensor, attention_mask: torch.Tensor, slot_ids: list[int],
                      num_slots: int) -> torch.Tensor:
    """[B, K] position of each sequence's k-th boundary token, -1 where a sequence has fewer than K.

    Computed per sequence: the published code reads the count from the first sequence of the batch.
    """
    is_slot = torch.isin(input_ids, torch.tensor(slot_ids)) & attention_mask.bool()
    positions = torch.full((input_ids.shape[0], num_slots), -1, dtype=torch.long)
    for b in range(input_ids.shape[0]):
        found = is_slot[b].nonzero().flatten()
        if len(found) > num_slots:
            raise ValueError(f"sequence {b} has {len(found)} special tokens but the adapter has {num_slots} slots")
        positions[b, : len(found)] = found
    return positions


@dataclass
class PastaOutput:
    logits: torch.Tensor
    loss: torch.Tensor | None
    # HF's convention: [0] = embeddings output (after ELECTRA's projection), [i] = output of layer i-1;
    # each is the state before the PASTA addition of the next layer; the last is last_hidden_state (after
    # ModernBERT's final_norm).
    hidden_states: list[torch.Tensor]


class PastaModel(nn.Module):
    """PASTA vectors and a classification head on a base encoder (BertModel, RobertaModel, DistilBertModel, ElectraModel).

    The sequence head reads the pooler output when the base has a pooler, else the first token's state.
    """

    def __init__(self, base: nn.Module, task: Task, num_labels: int, num_slots: int, freeze_base: bool = True):
        super().__init__()
        if task not in ("token", "sequence"):
            raise ValueError(f"task must be 'token' or 'sequence', not {task!r}")
        self.base = base
        self.task = task
        self.num_slots = num_slots
        self.uses_token_type_ids = "token_type_ids" in inspect.signature(base.forward).parameters
        self.has_pooler = getattr(base, "pooler", None) is not None
        config = base.config
        if freeze_base:
            base.requires_grad_(False)

        hidden = config.hidden_size
        layers = encoder_layers(base)
        hidden_dropout = getattr(config, "hidden_dropout_prob", None)
        if hidden_dropout is None:
            hidden_dropout = getattr(config, "dropout", None)  # DistilBERT's name
        if hidden_dropout is None:
            hidden_dropout = config.embedding_dropout  # ModernBERT's
        classifier_dropout = getattr(config, "classifier_dropout", None)

        self.pasta_vectors = nn.Parameter(torch.empty(len(layers), num_slots, hidden))
        nn.init.normal_(self.pasta_vectors, std=config.initializer_range)
        self.vector_dropout = nn.Dropout(hidden_dropout)
        self.head_dropout = nn.Dropout(classifier_dropout if classifier_dropout is not None else hidden_dropout)
        self.classifier = nn.Linear(hidden, num_labels)
        nn.init.normal_(self.classifier.weight, std=config.initializer_range)
        nn.init.zeros_(self.classifier.bias)

        self._positions: torch.Tensor | None = None
        self._hidden_states: list[torch.Tensor] = []
        for index, layer in enumerate(layers):
            layer.register_forward_pre_hook(self._make_pre_hook(index), with_kwargs=True)
            layer.register_forward_hook(self._record_output)

    @classmethod
    def from_pretrained(cls, model_dir: str, task: Task, num_labels: int, num_slots: int,
                        freeze_base: bool = True, attn_implementation: str = "eager") -> "PastaModel":
        base, loading = AutoModel.from_pretrained(model_dir, attn_implementation=attn_implementation,
                                                  output_loading_info=True, dtype=torch.float32)
        # A pooler counts only if the checkpoint carries its weights; a freshly initialised one is noise.
        if getattr(base, "pooler", None) is not None and any(key.startswith("pooler.") for key in loading["missing_keys"]):
            base.pooler = None
        return cls(base, task, num_labels, num_slots, freeze_base)

    def _make_pre_hook(self, layer_index: int):
        def add_vectors(module, args, kwargs):
            if self._positions is None:
                return None  # the base model called on its own runs unchanged
            hidden = args[0] if args else kwargs["hidden_states"]
            if layer_index == 0:
                self._hidden_states.append(hidden)
            hidden = hidden + self._pasta_delta(layer_index, hidden)
            if args:
                return (hidden, *args[1:]), kwargs
            return args, {**kwargs, "hidden_states": hidden}
        return add_vectors

    def _record_output(self, module, args, output):
        if self._positions is not None:
            self._hidden_states.append(output[0] if isinstance(output, tuple) else output)

    def _pasta_delta(self, layer_index: int, hidden: torch.Tensor) -> torch.Tensor:
        positions = self._positions
        batch = hidden.shape[0]
        vectors = self.pasta_vectors[layer_index].unsqueeze(0).expand(batch, -1, -1)
        # One dropout mask per sequence and slot, as the published code drops out the scattered [B, S, H] tensor.
        vectors = self.vector_dropout(vectors)
        rows, slots = (positions >= 0).nonzero(as_tuple=True)
        delta = torch.zeros_like(hidden)
        return delta.index_put((rows, positions[rows, slots]), vectors[rows, slots])

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, special_positions: torch.Tensor,
                token_type_ids: torch.Tensor | None = None, labels: torch.Tensor | None = None) -> PastaOutput:
        if special_positions.shape != (input_ids.shape[0], self.num_slots):
            raise ValueError(f"special_positions has shape {tuple(special_positions.shape)}, "
                             f"expected ({input_ids.shape[0]}, {self.num_slots})")
        inputs = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            if not self.uses_token_type_ids:
                raise ValueError(f"{type(self.base).__name__} takes no token_type_ids")
            inputs["token_type_ids"] = token_type_ids
        self._positions, self._hidden_states = special_positions, []
        try:
            outputs = self.base(**inputs, return_dict=True)
            # As transformers returns them, the last is the encoder's output: ModernBERT's after its final_norm.
            hidden_states = [*self._hidden_states[:-1], outputs.last_hidden_state]
        finally:
            self._positions, self._hidden_states = None, []

        if self.task == "token":
            features = outputs.last_hidden_state
        elif self.has_pooler:
            features = outputs.pooler_output
        else:
            features = outputs.last_hidden_state[:, 0]
        logits = self.classifier(self.head_dropout(features))
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE_INDEX)
        return PastaOutput(logits=logits, loss=loss, hidden_states=hidden_states)
