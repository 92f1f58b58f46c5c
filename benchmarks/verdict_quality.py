"""Verdict quality on the dev set: accuracy and confusion matrix.

    uv run python benchmarks/verdict_quality.py [--errors] [--holdout]

Each gold row (tests/fixtures/devset/gold.csv; with --holdout the held-out
table gold_holdout.csv, written later and never used for tuning) is one claim text checked
against one source (cited).  Prints accuracy, the number of `supported`
verdicts where gold says contradicted or not_found (must be 0), and the
confusion matrix (rows = gold, columns = system).
"""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "devset"))

import devset  # noqa: E402

from extractors.claims import claim_from_text  # noqa: E402
from extractors.match import match_claims  # noqa: E402
from extractors.model import VERDICTS  # noqa: E402


def evaluate(nlp, gazetteer=None, gold_file: str = "gold.csv") -> dict:
    case = devset.load_case()
    sources = devset.load_sources(case)
    gold = list(csv.DictReader((devset.HERE / gold_file).open(encoding="utf-8")))
    pairs = []
    for g in gold:
        claim = claim_from_text(case.id, g["claim_text"], nlp, gazetteer, cited=[g["source_id"]])
        rows = match_claims(case, [claim], sources, nlp, gazetteer, check_all=False)
        row = next(r for r in rows if r.source_id == g["source_id"])
        pairs.append((g, row))
    conf = Counter((g["gold_verdict"], r.verdict) for g, r in pairs)
    correct = sum(v for (a, b), v in conf.items() if a == b)
    worst = sum(v for (a, b), v in conf.items() if b == "supported" and a in ("contradicted", "not_found"))
    return {"n": len(pairs), "accuracy": correct / len(pairs), "worst": worst, "confusion": conf, "pairs": pairs}


def main() -> None:
    from extractors.nlp.pipeline import build_nlp
    from extractors.registry.gazetteer import load_gazetteer

    nlp = build_nlp()
    gaz = load_gazetteer()
    gold_file = "gold_holdout.csv" if "--holdout" in sys.argv else "gold.csv"
    res = evaluate(nlp, gaz, gold_file)
    print(f"gold: {gold_file}")
    print(f"pairs: {res['n']}")
    print(f"accuracy: {res['accuracy']:.3f}")
    print(f"supported where gold is contradicted/not_found: {res['worst']}")
    labels = list(VERDICTS)
    short = {v: v[:10] for v in labels}
    print("\ngold \\ system " + " ".join(f"{short[v]:>11}" for v in labels))
    for g in labels:
        print(f"{short[g]:>13} " + " ".join(f"{res['confusion'].get((g, s), 0):>11}" for s in labels))
    if "--errors" in sys.argv:
        print()
        for g, r in res["pairs"]:
            if g["gold_verdict"] != r.verdict:
                print(f"- [{g['gold_verdict']} -> {r.verdict}] {g['source_id']}: {g['claim_text']}")
                for x in r.reasons:
                    print(f"      {x}")


if __name__ == "__main__":
    main()
