"""Entity spans from a `pasta export-model` folder, decoded exactly as `pasta predict` decodes them.

No Ray here: onnxruntime and the `tokenizers` package on the exported tokenizer.json, so that the same code tags
a batch in a Ray worker, a Spark executor or a plain script. Offsets are Python string offsets (code points);
`pasta predict` writes JavaScript's (UTF-16 code units), which differ only past U+FFFF.

The steps follow src/core/data/alignment.ts (words from the tokenizer's word ids, windows of max_length pieces
overlapping by stride, each piece read from the window that sees it with most context) and
src/core/pasta/tasks.ts + iob2Decoding.ts (each word's first piece, the most probable valid IOB2 sequence, lenient
spans with the mean probability of their words' tags as confidence).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

NON_SPACE = re.compile(r"\S")


class ExportedTagger:
    def __init__(self, model_dir: str | Path, max_length: int = 128, stride: int = 32, batch_size: int = 32, threads: int = 1):
        model_dir = Path(model_dir)
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.id2label = [config["id2label"][str(i)] for i in range(len(config["id2label"]))]
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        special = json.loads((model_dir / "special_tokens_map.json").read_text(encoding="utf-8"))
        name = lambda t: t["content"] if isinstance(t, dict) else t  # noqa: E731
        self.cls = self.tokenizer.token_to_id(name(special.get("cls_token") or special["bos_token"]))
        self.sep = self.tokenizer.token_to_id(name(special.get("sep_token") or special["eos_token"]))
        self.pad = config.get("pad_token_id") or 0
        self.capacity = max_length - 2
        self.step = max(1, self.capacity - min(stride, self.capacity - 1))
        self.batch_size = batch_size
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.begins = [self.id2label.index(f"B-{t[2:]}") if t.startswith("I-") else -1 for t in self.id2label]

    def words(self, encoding, text: str) -> list[list[int]]:
        """tokenizerWords: each word's character extent from its pieces, combining marks joined to the word before."""
        words: dict[int, list[int]] = {}
        for w, (s, e) in zip(encoding.word_ids, encoding.offsets):
            if w is None or e <= s:
                continue
            if w not in words:
                words[w] = [s, e]
            else:
                words[w] = [min(words[w][0], s), max(words[w][1], e)]
        merged: list[list[int]] = []
        for w in sorted(words):
            word = words[w]
            if not NON_SPACE.search(text[word[0] : word[1]]):
                continue
            while word[1] < len(text) and unicodedata.category(text[word[1]]).startswith("M"):
                word[1] += 1
            if merged and word[0] < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], word[1])
            else:
                merged.append(word)
        return merged

    def align(self, text: str):
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        words = self.words(encoding, text)
        piece_word, w = [], 0
        for s, e in encoding.offsets:
            if e <= s:
                piece_word.append(None)
                continue
            while w < len(words) and words[w][1] <= s:
                w += 1
            piece_word.append(w if w < len(words) and words[w][0] <= s else None)
        first_piece = [-1] * len(words)
        for p, w in enumerate(piece_word):
            if w is not None and first_piece[w] == -1:
                first_piece[w] = p
        n, windows, first = len(encoding.ids), [], 0
        while True:
            last = min(n, first + self.capacity)
            windows.append((first, last, [self.cls, *encoding.ids[first:last], self.sep]))
            if last >= n:
                break
            first += self.step
        return words, first_piece, windows

    def probabilities(self, rows: list[list[int]]) -> list[np.ndarray]:
        """Softmax over the logits of each row (windows batched by length, as predictSpans does)."""
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        out: list[np.ndarray] = [None] * len(rows)  # type: ignore[list-item]
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            width = max(len(rows[i]) for i in chunk)
            ids = np.full((len(chunk), width), self.pad, dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for b, i in enumerate(chunk):
                ids[b, : len(rows[i])] = rows[i]
                mask[b, : len(rows[i])] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            logits = self.session.run(["logits"], {k: v for k, v in feeds.items() if k in self.input_names})[0]
            e = np.exp(logits - logits.max(-1, keepdims=True))
            probs = (e / e.sum(-1, keepdims=True)).astype(np.float32)
            for b, i in enumerate(chunk):
                out[i] = probs[b, : len(rows[i])]
        return out

    def viterbi(self, rows: np.ndarray) -> list[int]:
        """decodeTags: the most probable tag sequence in which I-X only follows B-X or I-X."""
        C = len(self.id2label)
        log = np.log(np.maximum(rows.astype(np.float64), 1e-30))
        score = [log[0, t] if self.begins[t] < 0 else -math.inf for t in range(C)]
        back = []
        for w in range(1, len(rows)):
            nxt, frm = [-math.inf] * C, [0] * C
            for t in range(C):
                for p in range(C):
                    allowed = self.begins[t] < 0 or p == t or p == self.begins[t]
                    if not allowed or score[p] <= nxt[t]:
                        continue
                    nxt[t], frm[t] = score[p], p
                nxt[t] += log[w, t]
            back.append(frm)
            score = nxt
        last = 0
        for t in range(1, C):
            if score[t] > score[last]:
                last = t
        tags = [last]
        for frm in reversed(back):
            tags.append(frm[tags[-1]])
        return tags[::-1]

    def spans(self, words, tags: list[str], confidences: list[float]) -> list[dict]:
        """wordTagsToSpans: lenient IOB2 (an I- after O or another type starts an entity)."""
        spans, open_ = [], None

        def close():
            if open_:
                first, last, label = open_
                conf = confidences[first : last + 1]
                spans.append({"start": words[first][0], "end": words[last][1], "label": label, "confidence": sum(conf) / len(conf)})

        for i, tag in enumerate(tags):
            if tag == "O":
                close()
                open_ = None
            elif tag.startswith("I-") and open_ and open_[2] == tag[2:]:
                open_[1] = i
            else:
                close()
                open_ = [i, i, tag[2:]]
        close()
        return spans

    def tag(self, texts: list[str]) -> list[list[dict]]:
        aligned = [self.align(t) for t in texts]
        rows, where = [], []
        for d, (_, _, windows) in enumerate(aligned):
            for k, window in enumerate(windows):
                rows.append(window[2])
                where.append((d, k))
        probs = self.probabilities(rows)
        per_doc: list[list[np.ndarray]] = [[None] * len(a[2]) for a in aligned]  # type: ignore[misc]
        for (d, k), p in zip(where, probs):
            per_doc[d][k] = p
        outside = np.array([1.0 if label == "O" else 0.0 for label in self.id2label], dtype=np.float32)
        out = []
        for (words, first_piece, windows), window_probs in zip(aligned, per_doc):
            best: dict[int, tuple[int, int, int]] = {}
            for wi, (first, last, _) in enumerate(windows):
                for p in range(first, last):
                    margin = min(p - first, last - 1 - p)
                    if p not in best or margin > best[p][2]:
                        best[p] = (wi, p - first + 1, margin)
            word_rows = [window_probs[best[p][0]][best[p][1]] if p >= 0 and p in best else None for p in first_piece]
            if not word_rows:
                out.append([])
                continue
            ids = self.viterbi(np.stack([r if r is not None else outside for r in word_rows]))
            confidences = [float(r[k]) if r is not None else 0.0 for r, k in zip(word_rows, ids)]
            out.append(self.spans(words, [self.id2label[k] for k in ids], confidences))
        return out
