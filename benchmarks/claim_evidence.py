"""Claim-evidence verdicts on CLIMATE-FEVER's frozen test split.

    uv run python benchmarks/claim_evidence.py

Reads ../shared/data/climate-fever/climate-fever-dev.jsonl (or
$CLAIMCHECK_CLIMATE_FEVER) at benchmark time and the test claim ids from
benchmarks/data/climate_fever_split.json (frozen before any tuning).  For

* always-not_found;
* word overlap: supported when at least a quarter of the claim's content
  words (spaCy stop words left out) occur in the sentence, else not_found;
* the previous engine: the rule-based engine's verdicts on the same pairs,
  computed once before it was replaced and kept in
  benchmarks/data/climate_fever_previous_engine.json
  (benchmarks/freeze_previous_engine.py);
* the engine with the first learned model (verdict-1.json, which reads no
  pair classifier), on the same features;
* the engine (extractors/match/engine.py with the newest model),

prints macro-F1 over supported / contradicted / not_found, per-class F1,
accuracy, and the share of REFUTES pairs called supported (partly_supported
counts as supported).  Then the engine's throughput: `claimcheck judge`'s
code on the first 1,500 test pairs, model loads included, in pairs/s, and
the calibration of its scores (expected calibration error of the
probability of the chosen class).
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import cfdata  # noqa: E402

CLASSES = ["supported", "contradicted", "not_found"]


def norm(v: str) -> str:
    return "supported" if v == "partly_supported" else v if v in CLASSES else "not_found"


def scores(gold: list[str], pred: list[str]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    pred = [norm(p) for p in pred]
    per = f1_score(gold, pred, labels=CLASSES, average=None, zero_division=0)
    ref = [p for g, p in zip(gold, pred) if g == "contradicted"]
    return {"macro": float(per.mean()), "per": dict(zip(CLASSES, map(float, per))),
            "acc": accuracy_score(gold, pred), "sup_on_ref": sum(p == "supported" for p in ref) / max(len(ref), 1)}


def overlap(pairs: list[dict]) -> list[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    out = []
    for p in pairs:
        cw = {w for w in re.findall(r"[a-z0-9]+", p["claim"].lower()) if w not in STOP_WORDS and len(w) > 1}
        ew = set(re.findall(r"[a-z0-9]+", p["evidence"].lower()))
        out.append("supported" if cw and len(cw & ew) / len(cw) >= 0.25 else "not_found")
    return out


def ece(conf: list[float], correct: list[bool], bins: int = 10) -> float:
    tot, n = 0.0, len(conf)
    for b in range(bins):
        idx = [i for i, c in enumerate(conf) if b / bins <= c < (b + 1) / bins or (b == bins - 1 and c == 1.0)]
        if idx:
            tot += len(idx) / n * abs(sum(conf[i] for i in idx) / len(idx) - sum(correct[i] for i in idx) / len(idx))
    return tot


def main() -> None:
    pairs = cfdata.load_pairs("test")
    gold = [p["label"] for p in pairs]
    print(f"CLIMATE-FEVER frozen test split: {len(pairs)} pairs of {len({p['claim_id'] for p in pairs})} claims "
          f"(supported {gold.count('supported')}, contradicted {gold.count('contradicted')}, not_found {gold.count('not_found')})")
    prev = json.loads((ROOT / "benchmarks" / "data" / "climate_fever_previous_engine.json").read_text())["verdicts"]

    t0 = time.time()
    from extractors.match.embed import load_embedder
    from extractors.match.judge import judge_pairs
    from extractors.match.verdict_model import load_model
    from extractors.nlp.pipeline import build_nlp

    nlp, emb, model = build_nlp(), load_embedder(), load_model()
    judged = judge_pairs(pairs, nlp, emb, model)
    elapsed = time.time() - t0
    rows = [
        ("always not_found", ["not_found"] * len(pairs)),
        ("word overlap >= 1/4", overlap(pairs)),
        ("previous engine", [prev.get(p["id"], "not_found") for p in pairs]),
    ]
    from extractors.match.engine import decide
    from extractors.match.verdict_model import MODELS

    first = MODELS / "verdict-1.json"
    if first.is_file() and load_model(str(first)).version != model.version:
        # the first learned model (no pair classifier), on the same features
        m1 = load_model(str(first))
        rows.append((f"engine ({m1.version.split('+')[0]}, no pair classifier)", [decide(j.features, m1).verdict for j in judged]))
    rows.append((f"engine ({model.version.split('+')[0]})", [j.verdict for j in judged]))
    print(f"\n{'system':<48} {'macro-F1':>8} {'F1 sup':>7} {'F1 con':>7} {'F1 nf':>7} {'acc':>6} {'sup|REFUTES':>11}")
    for name, pred in rows:
        s = scores(gold, pred)
        print(f"{name:<48} {s['macro']:>8.3f} {s['per']['supported']:>7.3f} {s['per']['contradicted']:>7.3f} "
              f"{s['per']['not_found']:>7.3f} {s['acc']:>6.3f} {s['sup_on_ref']:>11.1%}")
    conf = [max(j.probabilities.values()) for j in judged]
    correct = [norm(j.verdict) == g for j, g in zip(judged, gold)]
    print(f"\nengine calibration: expected calibration error {ece(conf, correct):.3f} (probability of the chosen class)")
    n = min(1500, len(pairs))
    print(f"engine throughput: {len(pairs)} pairs in {elapsed:.1f}s including model loads ({len(pairs) / elapsed:.1f} pairs/s)")
    # the judge command's own path, cold: a fresh process on 1,500 pairs
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "pairs.jsonl", Path(tmp) / "verdicts.jsonl"
        src.write_text("".join(json.dumps({"id": p["id"], "claim": p["claim"], "evidence": p["evidence"], "title": p["title"]}) + "\n"
                               for p in pairs[:n]), encoding="utf-8")
        t1 = time.time()
        subprocess.run([sys.executable, "-m", "flows.cli", "judge", str(src), "--output", str(dst)], cwd=ROOT, check=True,
                       capture_output=True)
        dt = time.time() - t1
        got = sum(1 for _ in dst.open(encoding="utf-8"))
    print(f"claimcheck judge on {n} pairs (new process, model loads included): {dt:.1f}s, {got / dt:.1f} pairs/s")


if __name__ == "__main__":
    main()
