"""Verdict quality: the bundled article's dev set, then the development cases.

    uv run python benchmarks/verdict_quality.py [--errors] [--holdout] [--cases dev|holdout|blind|blind-2|blind-3|none]

1. Dev set (bundled article).  Each gold row (tests/fixtures/devset/gold.csv;
   with --holdout the held-out table gold_holdout.csv, written later and never
   used for tuning) is one claim text checked against one source (cited).
   Prints accuracy, the number of `supported` verdicts where gold says
   contradicted or not_found (must be 0), and the confusion matrix (rows = gold,
   columns = system).
2. Development cases on other topics (tests/fixtures/devcases/, see devcases.py
   for the scoring rules).  The whole pipeline runs on each article: claims are
   extracted and attributed, then matched against the case's real documents.
   Per case and overall: claim recall, attribution accuracy, false check-worthy
   rate, verdict accuracy over the gold verdict rows, and `supported` where gold
   is contradicted/not_found, each next to its target; plus the verdict accuracy
   of the verdict stage alone (gold claim text, gold source).
   ``--cases dev`` (default) measures the development cases; ``--cases holdout``
   measures the held-out case instead (run it once, at the end; never tune on
   it); ``--cases blind`` measures the blind cases the same way (each case and
   pooled; written before any system ran on them, run once at the end);
   ``--cases blind-2`` measures the second set of blind cases the same way,
   ``--cases blind-3`` the third;
   ``--cases none`` skips this part.
"""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "devset"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "devcases"))

import devcases  # noqa: E402
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


def _arg(name: str, default: str) -> str:
    if name in sys.argv:
        i = sys.argv.index(name)
        if i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        sys.exit(f"{name} needs a value")
    return default


def _fmt(metric: str, value: float) -> str:
    op, target = devcases.TARGETS[metric]
    shown = f"{value:d}" if isinstance(value, int) else f"{value:.3f}"
    mark = "ok" if devcases.meets(metric, value) else "MISSED"
    return f"{shown:>6}  (target {op} {target}; {mark})"


def _print_scores(label: str, sc: "devcases.CaseScore", stage: tuple[int, int] | None) -> None:
    f = sc.figures
    print(f"\n[{label}]")
    print(f"  claim recall:        {sc.found}/{sc.n_claims} = " + _fmt("claim_recall", f["claim_recall"]))
    print(f"  attribution:         {sc.attribution_ok}/{sc.attribution_n} = " + _fmt("attribution", f["attribution"]))
    print(f"  false check-worthy:  {sc.flagged_nc}/{sc.n_nc} = " + _fmt("false_checkworthy", f["false_checkworthy"]))
    print(f"  verdict accuracy:    {sc.verdict_ok}/{sc.n_verdicts} = " + _fmt("verdict_accuracy", f["verdict_accuracy"]))
    print("  supported where gold is contradicted/not_found: " + _fmt("supported_on_wrong", f["supported_on_wrong"]))
    if stage is not None:
        ok, n = stage
        print(f"  verdict stage alone (gold claim text + gold source): {ok}/{n} = {ok / n:.3f}")


def _confusion(conf) -> None:
    labels = list(devcases.VERDICT_LABELS) + [devcases.MISSING]
    short = {v: v[:10] for v in labels}
    print("  gold \\ system " + " ".join(f"{short[v]:>11}" for v in labels))
    for g in devcases.VERDICT_LABELS:
        print(f"  {short[g]:>13} " + " ".join(f"{conf.get((g, s), 0):>11}" for s in labels))


def evaluate_cases(names: tuple[str, ...], nlp, gazetteer, errors: bool = False) -> None:
    total = None
    stage_ok = stage_n = 0
    for name in names:
        dc = devcases.load_dev_case(name)
        article, claims, rows = devcases.run_system(dc, nlp, gazetteer)
        raw = (dc.path / dc.case.article).read_text(encoding="utf-8")
        sc = devcases.score_case(dc, devcases.offset_base([article.text, raw], claims), claims, rows)
        sources = devcases.load_sources(dc.case)
        ok, n, _ = devcases.verdicts_on_gold_claims(dc, sources, nlp, gazetteer)
        stage_ok += ok
        stage_n += n
        _print_scores(f"{dc.case.id}: {len(claims)} claims extracted, {len(rows)} claim-source rows", sc, (ok, n))
        _confusion(sc.confusion)
        if errors:
            for d in sc.details:
                if d["kind"] == "verdict":
                    print(f"  - [{d['gold']} -> {d['system']}] {d['key']} {d['source'] or '(no source)'}: {d['text']}")
                    for x in d["reasons"]:
                        print(f"        {x}")
                elif d["kind"] == "attribution":
                    print(f"  - [attribution {d['gold']} -> {d['system']}] {d['key']}: {d['text']}")
                elif d["kind"] == "checkworthy":
                    print(f"  - [marked check-worthy] {d['key']}: {d['text']}")
                else:
                    print(f"  - [not extracted] {d['key']}: {d['text']}")
        if total is None:
            total = sc
        else:
            total = devcases.CaseScore(
                "overall", total.n_claims + sc.n_claims, total.found + sc.found,
                total.attribution_ok + sc.attribution_ok, total.attribution_n + sc.attribution_n,
                total.flagged_nc + sc.flagged_nc, total.n_nc + sc.n_nc, total.verdict_ok + sc.verdict_ok,
                total.n_verdicts + sc.n_verdicts, total.supported_on_wrong + sc.supported_on_wrong,
                total.confusion + sc.confusion)
    if total is not None and len(names) > 1:
        _print_scores(f"overall ({len(names)} cases, pooled)", total, (stage_ok, stage_n))
        _confusion(total.confusion)


def main() -> None:
    from extractors.nlp.pipeline import build_nlp
    from extractors.registry.gazetteer import load_gazetteer

    which = _arg("--cases", "dev")
    if which not in ("dev", "holdout", "blind", "blind-2", "blind-3", "none"):
        sys.exit("--cases takes dev, holdout, blind, blind-2, blind-3 or none")
    nlp = build_nlp()
    gaz = load_gazetteer()
    print("== dev set (bundled article) ==")
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
    if which != "none":
        names = {"holdout": devcases.HOLDOUT_CASES, "blind": devcases.BLIND_CASES,
                 "blind-2": devcases.BLIND2_CASES,
                 "blind-3": devcases.BLIND3_CASES}.get(which, devcases.DEV_CASES)
        print(f"\n== development cases ({which}: {', '.join(names)}) ==")
        evaluate_cases(names, nlp, gaz, errors="--errors" in sys.argv)


if __name__ == "__main__":
    main()
