"""Sentence and phrase similarity from a static embedding model in the repository.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) distilled
once with model2vec into one vector per vocabulary token
(``extractors/match/models/minilm-l6-static/``; how it was made is in the
README there and in ``scripts/distil_embedder.py``). At run time model2vec
tokenises a text, averages its token vectors and returns the result: numpy
only, no torch, nothing downloaded; the model is read from the folder beside
this file.

Reading a claim and a sentence together (where word order and context
matter) is the pair classifier's job (``extractors/match/pairs.py``).

Public API:

* ``load_embedder()`` returns the process-wide static ``Embedder`` (loaded
  once);
* ``Embedder.encode(texts)`` -> ``np.ndarray`` of shape ``(len(texts), dim)``,
  float32, rows L2-normalised (a text with no known token gives a zero row);
* ``Embedder.similarity(a, b)`` -> cosine similarity in ``[-1, 1]``;
* ``EMBEDDER_VERSION`` names the model file, for cache keys
  (``Embedder.version`` gives the one in use).
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


def weights_digest(model_dir: Path = MODEL_DIR, name: str = "model.safetensors") -> str:
    """SHA-256 of a model's weights file."""
    return hashlib.sha256((model_dir / name).read_bytes()).hexdigest()


class Embedder:
    """A loaded static embedding model."""

    version = EMBEDDER_VERSION

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
_EMBEDDERS: dict[str, Embedder] = {}
_KINDS = {"static": Embedder}


def load_embedder(kind: str = "static") -> Embedder:
    """The process-wide embedder of one kind (only "static" is bundled), loaded on first use."""
    if kind not in _KINDS:
        raise ValueError(f"unknown embedder kind {kind!r}; expected one of {sorted(_KINDS)}")
    emb = _EMBEDDERS.get(kind)
    if emb is None:
        with _LOCK:
            emb = _EMBEDDERS.get(kind)
            if emb is None:
                emb = _EMBEDDERS[kind] = _KINDS[kind]()
    return emb
