"""CLIMATE-FEVER pairs for training and benchmarking (read at benchmark and
training time only; nothing at run or test time reads ../shared).

``load_pairs(split)`` -> list of dicts {id, claim_id, claim, evidence, title,
label} with label in supported | contradicted | not_found, for the frozen
``test`` split (benchmarks/data/climate_fever_split.json) or ``train`` (every
other claim).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPLIT = ROOT / "benchmarks" / "data" / "climate_fever_split.json"
LABELS = {"SUPPORTS": "supported", "REFUTES": "contradicted", "NOT_ENOUGH_INFO": "not_found"}


def data_path() -> Path:
    env = os.environ.get("CLAIMCHECK_CLIMATE_FEVER")
    cands = [Path(env)] if env else []
    cands += [ROOT.parent / "shared" / "data" / "climate-fever" / "climate-fever-dev.jsonl",
              ROOT.parent.parent / "shared" / "data" / "climate-fever" / "climate-fever-dev.jsonl",
              Path("/work/shared/data/climate-fever/climate-fever-dev.jsonl")]
    for c in cands:
        if c.is_file():
            return c
    raise SystemExit("CLIMATE-FEVER not found: set CLAIMCHECK_CLIMATE_FEVER to climate-fever-dev.jsonl")


def load_pairs(split: str) -> list[dict]:
    test = set(json.loads(SPLIT.read_text(encoding="utf-8"))["test_claim_ids"])
    out = []
    for line in data_path().open(encoding="utf-8"):
        rec = json.loads(line)
        if (rec["claim_id"] in test) != (split == "test"):
            continue
        for k, ev in enumerate(rec["evidences"]):
            out.append({"id": f"{rec['claim_id']}:{k}", "claim_id": rec["claim_id"], "claim": rec["claim"],
                        "evidence": ev["evidence"], "title": ev["article"], "label": LABELS[ev["evidence_label"]]})
    return out
