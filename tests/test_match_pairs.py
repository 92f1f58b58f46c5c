"""The bundled pair classifier: committed, versioned, offline, deterministic,
and reading a restatement differently from an unrelated sentence."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extractors.match.pairs import (
    PAIR_MODEL_DIR, PairClassifier, PairClassifierUnavailable, best_reading, load_pair_classifier, pair_model_version,
)

ROOT = Path(__file__).resolve().parents[1]

# (claim, a sentence restating it in other words, a sentence on something else)
TRIPLES = [
    ("The regional council approved the new bus route in June.",
     "In June the new bus route was given the regional council's approval.",
     "The museum's winter exhibition drew record crowds."),
    ("Two men were detained by border guards on Tuesday.",
     "Border guards arrested two men on Tuesday.",
     "The orchestra will tour three countries next spring."),
    ("Sea ice in the Arctic has declined over recent decades.",
     "Over the last few decades the extent of Arctic sea ice has shrunk.",
     "The bakery sells rye bread on Saturdays."),
]


@pytest.fixture(scope="module")
def clf() -> PairClassifier:
    return load_pair_classifier()


def test_model_is_committed_and_versioned():
    meta = json.loads((PAIR_MODEL_DIR / "meta.json").read_text())
    assert meta["labels"] == ["supported", "contradicted", "not_found"]
    assert (PAIR_MODEL_DIR / "README.md").is_file() and (PAIR_MODEL_DIR / "tokenizer.json").is_file()
    weights = (PAIR_MODEL_DIR / "model.int8.onnx").read_bytes()
    assert len(weights) < 30_000_000
    # the version names the weights, so rebuilt weights change every match cache key
    digest = hashlib.sha256(weights).hexdigest()
    assert meta["weights_sha256"] == digest
    assert pair_model_version().endswith(digest[:12])


def test_match_cache_key_names_the_pair_classifier():
    from extractors.match.verdict_model import load_model, model_version

    if any(f.startswith("pair_") for f in load_model().features):
        assert pair_model_version() in model_version()


@pytest.mark.parametrize("claim,restated,other", TRIPLES)
def test_restatement_reads_as_support_more_than_an_unrelated_sentence(clf, claim, restated, other):
    sup_r, _, nei_r = clf.probabilities(claim, restated)
    sup_o, _, nei_o = clf.probabilities(claim, other)
    assert sup_r > sup_o
    assert nei_o > nei_r
    assert nei_o > 0.5  # an unrelated sentence is neither support nor opposite


def test_probabilities_sum_to_one_and_repeat_exactly(clf):
    claim, restated, _ = TRIPLES[0]
    first = clf.probabilities(claim, restated)
    assert sum(first) == pytest.approx(1.0, abs=1e-4)
    assert all(0.0 <= p <= 1.0 for p in first)
    fresh = PairClassifier()  # no cache: the same numbers from a new session
    assert fresh.probabilities(claim, restated) == pytest.approx(first, abs=1e-6)


def test_best_reading_takes_the_sentence_that_speaks_to_the_claim(clf):
    claim, restated, other = TRIPLES[1]
    sup, ref, nei, sentence = best_reading(clf, claim, [other, restated], [0.9, 0.8])
    assert sentence == restated
    assert (sup, ref, nei) == pytest.approx(clf.probabilities(claim, restated))
    assert best_reading(clf, claim, [], []) == (0.0, 0.0, 1.0, "")


def test_long_evidence_is_cut_not_refused(clf):
    claim = TRIPLES[2][0]
    long = " ".join([TRIPLES[2][1]] * 60)
    probs = clf.probabilities(claim, long)
    assert sum(probs) == pytest.approx(1.0, abs=1e-4)


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(PairClassifierUnavailable, match="cannot load the pair classifier"):
        PairClassifier(tmp_path)


def test_loads_with_no_network(tmp_path):
    """A fresh interpreter with the hub switched off and every proxy pointing at a closed port."""
    env = dict(os.environ)
    env.update({"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf"),
                "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
                "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "NO_PROXY": "", "no_proxy": ""})
    code = ("from extractors.match.pairs import load_pair_classifier\n"
            "print(round(sum(load_pair_classifier().probabilities('A rose.', 'A rose.')), 3))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.strip()) == pytest.approx(1.0, abs=1e-3)
    assert not (tmp_path / "hf").exists()


def test_an_opposite_reading_counts_as_a_stated_incompatibility_only_above_the_models_bar():
    from extractors.match.verdict_model import choose

    values = {"pair_sup": 0.1, "pair_ref": 0.7, "pair_nei": 0.2}
    # no exact check failed, no negation: without the bar, a contradiction is only a guess
    assert choose(0.1, 0.8, values, {"supported": 0.8, "contradicted": 0.5}) == "not_found"
    assert choose(0.1, 0.8, values, {"supported": 0.8, "contradicted": 0.5, "pair_opposite": 0.6}) == "contradicted"
    assert choose(0.1, 0.8, values, {"supported": 0.8, "contradicted": 0.5, "pair_opposite": 0.75}) == "not_found"
    # the model's own probability still has to clear its threshold
    assert choose(0.1, 0.4, values, {"supported": 0.8, "contradicted": 0.5, "pair_opposite": 0.6}) == "not_found"


def test_a_contradiction_read_by_the_classifier_shows_the_sentence_it_read():
    from extractors.match.engine import Features, decide

    class Model:
        thresholds = {"supported": 0.8, "contradicted": 0.5, "pair_opposite": 0.6}

        def predict(self, values):
            return {"supported": 0.1, "contradicted": 0.8, "not_found": 0.1}, []

        def choose(self, probs, values):
            from extractors.match.verdict_model import choose
            return choose(probs["supported"], probs["contradicted"], values, self.thresholds)

    from extractors.match.engine import FEATURES

    values = dict.fromkeys(FEATURES, 0.0)
    values.update({"pair_sup": 0.1, "pair_ref": 0.7, "pair_nei": 0.2})
    note = 'read with the claim, the sentence "Output fell." reads as stating the opposite (pair classifier 0.70)'
    j = decide(Features(values, {"pair_ref": note}, [], [], (0, 12), ("asserted", "asserted")), Model())
    assert j.verdict == "contradicted"
    assert j.reasons[0] == note
