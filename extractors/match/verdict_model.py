"""The learned verdict model: multinomial logistic regression over the
engine's features, stored as plain JSON (coefficients, feature scaling,
decision thresholds) in ``extractors/match/models/``.

``load_model()`` reads the newest ``verdict-*.json``; ``VerdictModel.predict``
gives calibrated class probabilities and each feature's contribution to the
winning class (coefficient x scaled value), which the engine turns into
reasons.  The file is rebuilt by ``uv run python benchmarks/train_verdict.py``.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODELS = Path(__file__).resolve().parent / "models"
CLASSES = ("supported", "contradicted", "not_found")


@dataclass
class VerdictModel:
    version: str
    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[list[float]]  # one row per class, in CLASSES order
    intercept: list[float]
    thresholds: dict[str, float]  # minimum probability for supported / contradicted

    def predict(self, values: dict[str, float]) -> tuple[dict[str, float], list[tuple[str, float]]]:
        x = [(values.get(f, 0.0) - m) / (s or 1.0) for f, m, s in zip(self.features, self.mean, self.scale)]
        logits = [b + sum(w * xi for w, xi in zip(row, x)) for row, b in zip(self.coef, self.intercept)]
        mx = max(logits)
        ex = [math.exp(z - mx) for z in logits]
        tot = sum(ex)
        probs = {c: e / tot for c, e in zip(CLASSES, ex)}
        k = max(range(len(CLASSES)), key=lambda i: logits[i])
        contrib = [(f, self.coef[k][i] * x[i]) for i, f in enumerate(self.features) if not f.startswith("vec")]
        return probs, contrib

    def choose(self, probs: dict[str, float], values: dict[str, float]) -> str:
        return choose(probs["supported"], probs["contradicted"], values, self.thresholds)


# what makes a source *state something incompatible* (DESIGN: another number
# or date, a negation, another actor): without one of these the model's
# contradiction is only a guess, and the verdict is not_found
CONTRADICTION_SIGNALS = ("num_mismatch", "date_mismatch", "neg_mismatch", "pred_antonym", "antonym_pair",
                         "roles_swapped", "place_differs", "universal_partial")
# never `supported` over an opposite predicate, a negation, swapped roles or
# the act done by another named actor
SUPPORT_BLOCKERS = ("neg_mismatch", "pred_antonym", "roles_swapped", "agent_differs", "place_differs", "universal_partial")


def reads_as_opposite(values: dict[str, float], thresholds: dict[str, float]) -> bool:
    """The pair classifier reads the sentence as stating the opposite of the
    claim with at least the model's ``pair_opposite`` probability (absent:
    never).  It counts as a stated incompatibility: the sentence it read is in
    the reasons for a person to check."""
    bar = thresholds.get("pair_opposite")
    return bar is not None and values.get("pair_ref", 0.0) >= bar and values.get("pair_ref", 0.0) > values.get("pair_sup", 0.0)


def choose(p_sup: float, p_con: float, values: dict[str, float], thresholds: dict[str, float]) -> str:
    """The verdict from the model's probabilities, under two rules of meaning:
    a contradiction needs a stated incompatibility, and a sentence that
    restates the claim (``all_aligned``: every content word, the predicate and
    every name found, nothing disagreeing) supports it."""
    blocked = any(values.get(k) for k in SUPPORT_BLOCKERS)
    sup_ok = (p_sup >= thresholds.get("supported", 0.5) or bool(values.get("all_aligned"))) and not blocked
    con_ok = p_con >= thresholds.get("contradicted", 0.5) and (
        any(values.get(k) for k in CONTRADICTION_SIGNALS) or reads_as_opposite(values, thresholds))
    if sup_ok and (not con_ok or p_sup >= p_con):
        return "supported"
    if con_ok:
        return "contradicted"
    return "not_found"


def model_files() -> list[Path]:
    return sorted(MODELS.glob("verdict-*.json"))


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> VerdictModel:
    p = Path(path) if path else model_files()[-1]
    raw = p.read_bytes()
    d = json.loads(raw)
    return VerdictModel(version=f"{d['version']}+{hashlib.sha256(raw).hexdigest()[:12]}", features=d["features"],
                        mean=d["mean"], scale=d["scale"], coef=d["coef"], intercept=d["intercept"],
                        thresholds=d["thresholds"])


def model_version() -> str:
    """The model's declared version plus its file hash, and the pair
    classifier's version when the model reads it (part of the match cache key)."""
    try:
        model = load_model()
    except (IndexError, OSError, ValueError, KeyError):
        return "none"
    if any(f.startswith("pair_") for f in model.features):
        from extractors.match.pairs import pair_model_version

        return f"{model.version}+{pair_model_version()}"
    return model.version
