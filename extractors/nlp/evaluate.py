"""Scoring the NLP stage against a gold file (used by
``benchmarks/nlp_quality.py`` and the quality test).

Gold file: JSON lines, one item per line, each a small document::

    {"id": "dev001", "text": "...",
     "mentions":  [{"surface": "...", "canonical": "event:...", "kind": "name|variant|indirect"}],
     "relations": [{"subject": "...", "predicate": "...", "object": "...",
                    "negated": false, "modality": "asserted"}]}

Matching rule (exact, per item, as multisets):

* a predicted mention is correct when an unmatched gold mention of the same
  item has the same ``canonical``, the same ``surface`` (the exact characters
  of the document) and the same ``kind``;
* a predicted relation is correct when an unmatched gold relation of the same
  item has the same ``subject``, ``predicate``, ``object``, ``negated`` and
  ``modality`` (subjects/objects are gazetteer ids when linked, else the
  lowercased head phrase; "" when absent).

Precision = correct / predicted, recall = correct / gold, counted per mention
kind, per relation predicate class, and overall.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from spacy.language import Language

from extractors.model import Passage


def load_gold(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _passage(item: dict[str, Any]) -> Passage:
    text = item["text"]
    return Passage(
        passage_id=item["id"], source_id=f"gold-{item['id']}", document_sha256=item["id"], page=None,
        paragraph=1, char_start=0, char_end=len(text), kind="body", text=text,
    )


def _pr(tp: int, npred: int, ngold: int) -> dict[str, float | int]:
    return {
        "precision": tp / npred if npred else 1.0,
        "recall": tp / ngold if ngold else 1.0,
        "tp": tp, "predicted": npred, "gold": ngold,
    }


def evaluate(nlp: Language, gold: list[dict[str, Any]]) -> dict[str, Any]:
    from extractors.nlp import analyse

    mentions, relations = analyse(nlp, [_passage(i) for i in gold])
    pm: dict[str, Counter] = {}
    pr: dict[str, Counter] = {}
    for m in mentions:
        pm.setdefault(m.source_id, Counter())[(m.canonical, m.surface, m.kind)] += 1
    for r in relations:
        pr.setdefault(r.source_id, Counter())[(r.subject, r.predicate, r.object, bool(r.negated), r.modality)] += 1
    mk: dict[str, list[int]] = {}
    rk: dict[str, list[int]] = {}
    errors: list[dict[str, Any]] = []

    def tally(table: dict[str, list[int]], key: str, idx: int, n: int = 1) -> None:
        table.setdefault(key, [0, 0, 0])[idx] += n  # tp, predicted, gold

    for item in gold:
        sid = f"gold-{item['id']}"
        gm = Counter((g["canonical"], g["surface"], g["kind"]) for g in item["mentions"])
        gr = Counter((g["subject"], g["predicate"], g["object"], bool(g["negated"]), g["modality"])
                     for g in item["relations"])
        for gold_c, pred_c, table, kidx in ((gm, pm.get(sid, Counter()), mk, 2), (gr, pr.get(sid, Counter()), rk, 1)):
            for key, n in pred_c.items():
                tally(table, key[kidx], 1, n)
            for key, n in gold_c.items():
                tally(table, key[kidx], 2, n)
            tp = gold_c & pred_c
            for key, n in tp.items():
                tally(table, key[kidx], 0, n)
            missed, spurious = gold_c - pred_c, pred_c - gold_c
            if missed or spurious:
                errors.append({"id": item["id"], "text": item["text"],
                               "missed": sorted(missed.elements()), "spurious": sorted(spurious.elements())})

    def summary(table: dict[str, list[int]]) -> dict[str, Any]:
        out = {k: _pr(*v) for k, v in sorted(table.items())}
        tot = [sum(v[i] for v in table.values()) for i in range(3)]
        out["ALL"] = _pr(*tot)
        return out

    return {"items": len(gold), "mentions": summary(mk), "relations": summary(rk), "errors": errors}
