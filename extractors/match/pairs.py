"""Read a claim and an evidence sentence together: a small pair classifier.

all-MiniLM-L6-v2 fine-tuned once on labelled claim/evidence pairs (the
CLIMATE-FEVER train claims, never its frozen test split) with one linear
layer over the mean of its last hidden states, exported to int8 ONNX
(``extractors/match/models/minilm-l6-pairs/``; made by
``scripts/train_pair_classifier.py``, how in the README there).  It gives
three probabilities for a pair: the sentence supports the claim, states the
opposite, or neither.  They are features of the verdict model, never a
verdict on their own: the exact checks (numbers, dates, roles, quotes) and
the rules of meaning in ``verdict_model.choose`` still decide.

Run with onnxruntime and the ``tokenizers`` WordPiece tokenizer: no torch,
nothing downloaded.  One pair per run, so that a pair's probabilities do not
depend on what it was batched with (int8 dynamic quantisation scales
activations per run).

Public API: ``load_pair_classifier()`` (process-wide, loaded on first use),
``PairClassifier.probabilities(claim, evidence)`` -> ``(supports, refutes,
neither)``, ``PAIR_MODEL_VERSION`` for cache keys.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

__all__ = ["PAIR_MODEL_DIR", "PairClassifier", "PairClassifierUnavailable", "best_reading", "load_pair_classifier",
           "pair_model_version"]

PAIR_MODEL_DIR = Path(__file__).resolve().parent / "models" / "minilm-l6-pairs"
_CACHE = 4096


class PairClassifierUnavailable(RuntimeError):
    """The bundled pair classifier could not be loaded."""


def pair_model_version(model_dir: Path = PAIR_MODEL_DIR) -> str:
    """Names the weights in use (their SHA-256 as recorded when they were made)."""
    try:
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        return f"minilm-l6-pairs/int8/{meta['weights_sha256'][:12]}"
    except (OSError, ValueError, KeyError):
        return "minilm-l6-pairs/missing"


class PairClassifier:
    """The int8 ONNX pair classifier."""

    def __init__(self, model_dir: Path = PAIR_MODEL_DIR, threads: int | None = None) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            model = model_dir / "model.int8.onnx"
            if not model.is_file():
                raise FileNotFoundError(f"{model} is missing")
            meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
            self.labels = list(meta["labels"])
            self._tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
            self._tok.enable_truncation(int(meta["max_tokens"]))
            self._tok.no_padding()
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
            opts.inter_op_num_threads = 1
            self._session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        except (OSError, ValueError, KeyError, ImportError, RuntimeError) as exc:
            raise PairClassifierUnavailable(f"cannot load the pair classifier from {model_dir}: {exc}") from exc
        self.version = pair_model_version(model_dir)
        self._cache: OrderedDict[str, tuple[float, float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def probabilities(self, claim: str, evidence: str) -> tuple[float, float, float]:
        """``(supports, refutes, neither)`` for the claim read with the evidence."""
        key = hashlib.sha1(f"{claim}\x00{evidence}".encode("utf-8", "surrogatepass")).hexdigest()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        enc = self._tok.encode(claim, evidence)
        feed = {"input_ids": np.array([enc.ids], dtype=np.int64),
                "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([enc.type_ids], dtype=np.int64)}
        probs = self._session.run(None, feed)[0][0]
        by = dict(zip(self.labels, (float(p) for p in probs)))
        out = (by["supported"], by["contradicted"], by["not_found"])
        with self._lock:
            self._cache[key] = out
            if len(self._cache) > _CACHE:
                self._cache.popitem(last=False)
        return out


def best_reading(clf: PairClassifier, claim: str, sentences: list[str], sims: list[float],
                 k: int = 2) -> tuple[float, float, float, str]:
    """The classifier's reading of the claim with the evidence sentence that
    speaks to it most, among the *k* most similar ones: the sentence whose
    'neither' probability is lowest.  Returns (supports, refutes, neither, sentence)."""
    if not sentences:
        return 0.0, 0.0, 1.0, ""
    order = sorted(range(len(sentences)), key=lambda i: -(sims[i] if i < len(sims) else 0.0))[:k]
    best: tuple[float, float, float, str] | None = None
    for i in order:
        sup, ref, nei = clf.probabilities(claim, sentences[i])
        if best is None or nei < best[2]:
            best = (sup, ref, nei, sentences[i])
    return best  # type: ignore[return-value]


_LOCK = threading.Lock()
_LOADED: list[PairClassifier] = []


def load_pair_classifier() -> PairClassifier:
    """The process-wide pair classifier, loaded on first use."""
    if not _LOADED:
        with _LOCK:
            if not _LOADED:
                _LOADED.append(PairClassifier())
    return _LOADED[0]
