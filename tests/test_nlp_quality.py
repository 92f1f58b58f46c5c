"""Quality gate: the NLP stage against the annotated development set.

Figures come from extractors.nlp.evaluate (exact matching, described in its
docstring and in benchmarks/nlp_quality.py).  Targets:
mentions precision and recall >= 0.95; relations precision >= 0.85 and
recall >= 0.70.
"""
from __future__ import annotations

import pytest

from extractors.nlp.evaluate import evaluate, load_gold
from extractors.nlp.pipeline import build_nlp
from tests.nlp_helpers import FIXTURES

DEV = FIXTURES / "gold" / "nlp_dev.jsonl"


@pytest.fixture(scope="module")
def result():
    return evaluate(build_nlp(), load_gold(DEV))


def test_dev_set_is_big_and_covers_the_required_cases():
    gold = load_gold(DEV)
    assert len(gold) >= 80
    text = " ".join(g["text"] for g in gold)
    for spelling in ("Banjska", "Banjskë", "Bajskë", "Banjske", "Бањска", "Banjska monastery", "Zvečan", "Zveçan",
                     "northern Kosovo", "Radoičić", "Radojičić", "Radoicic", "Radojicic", "Sokobanja",
                     "Banjska Stena", "banjska voda", "May 2023"):
        assert spelling in text, spelling
    kinds = {m["kind"] for g in gold for m in g["mentions"]}
    assert kinds == {"name", "variant", "indirect"}
    rels = [r for g in gold for r in g["relations"]]
    assert any(r["negated"] for r in rels)
    assert {r["modality"] for r in rels} == {"asserted", "demanded", "reported", "hypothetical"}
    assert sum(1 for g in gold if not g["mentions"] and not g["relations"]) >= 5  # look-alikes and distractors


def test_mentions_meet_targets(result):
    m = result["mentions"]["ALL"]
    assert m["precision"] >= 0.95, result["errors"]
    assert m["recall"] >= 0.95, result["errors"]


def test_relations_meet_targets(result):
    r = result["relations"]["ALL"]
    assert r["precision"] >= 0.85, result["errors"]
    assert r["recall"] >= 0.70, result["errors"]


def test_every_mention_kind_is_scored(result):
    for kind in ("name", "variant", "indirect"):
        assert result["mentions"][kind]["gold"] > 0
