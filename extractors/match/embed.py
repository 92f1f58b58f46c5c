"""Sentence and phrase similarity from a static embedding model in the repository.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) distilled
once with model2vec into one vector per vocabulary token
(``extractors/match/models/minilm-l6-static/``; how it was made is in the
README there and in ``benchmarks/distil_embedder.py``). At run time model2vec
tokenises a text, averages its token vectors and returns the result: numpy
only, no torch, nothing downloaded; the model is read from the folder beside
this file.

Public API:

* ``load_embedder()`` returns the process-wide ``Embedder`` (loaded once);
* ``Embedder.encode(texts)`` -> ``np.ndarray`` of shape ``(len(texts), dim)``,
  float32, rows L2-normalised (a text with no known token gives a zero row);
* ``Embedder.similarity(a, b)`` -> cosine similarity in ``[-1, 1]``;
* ``EMBEDDER_VERSION`` names the model file, for cache keys.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

__all__ = ["EMBEDDER_VERSION", "MODEL_DIR", "Embedder", "EmbedderUnavailable", "load_embedder"]

MODEL_DIR = Path(__file__).resolve().parent / "models" / "minilm-l6-static"
# The last part is the start of the SHA-256 of model.safetensors; a test keeps
# the two in step, so a rebuilt model always changes the cache keys.
EMBEDDER_VERSION = "minilm-l6-v2-static/m2v/pca256-f16/e79551e309c0"

_VECTOR_CACHE = 8192


class EmbedderUnavailable(RuntimeError):
    """The bundled embedding model could not be loaded."""


def weights_digest(model_dir: Path = MODEL_DIR) -> str:
    """SHA-256 of the model's weights file."""
    return hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()


class Embedder:
    """A loaded static embedding model."""

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        try:
            from model2vec import StaticModel

            # a local folder is read as it is; model2vec reaches for the hub
            # only when the path does not exist, which is checked first
            if not (model_dir / "model.safetensors").is_file():
                raise FileNotFoundError(f"{model_dir / 'model.safetensors'} is missing")
            self._model = StaticModel.from_pretrained(str(model_dir), normalize=True)
        except (OSError, ValueError, ImportError) as exc:
            raise EmbedderUnavailable(f"cannot load the embedding model from {model_dir}: {exc}") from exc
        self.model_dir = model_dir
        self.dim = int(self._model.dim)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per text (zero row for a text with no known token)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = np.asarray(
            self._model.encode(list(texts), show_progress_bar=False, use_multiprocessing=False),
            dtype=np.float32,
        )
        if vecs.ndim == 1:
            vecs = vecs.reshape(1, -1)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.where(norms > 0, norms, 1.0)

    def vector(self, text: str) -> np.ndarray:
        """The row ``encode([text])`` gives, kept in a small per-embedder cache."""
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        vec = self.encode([text])[0]
        vec.setflags(write=False)
        with self._lock:
            self._cache[text] = vec
            if len(self._cache) > _VECTOR_CACHE:
                self._cache.popitem(last=False)
        return vec

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two texts, in [-1, 1] (0.0 when either has no known token)."""
        return float(np.dot(self.vector(a), self.vector(b)))

    def similarities(self, query: str, texts: list[str]) -> np.ndarray:
        """Cosine similarity of ``query`` with each of ``texts``."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        return self.encode(texts) @ self.vector(query)


_LOCK = threading.Lock()
_EMBEDDER: Embedder | None = None


def load_embedder() -> Embedder:
    """The process-wide embedder, loaded on first use."""
    global _EMBEDDER
    if _EMBEDDER is None:
        with _LOCK:
            if _EMBEDDER is None:
                _EMBEDDER = Embedder()
    return _EMBEDDER
